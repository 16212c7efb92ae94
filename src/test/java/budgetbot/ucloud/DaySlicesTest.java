package budgetbot.ucloud;

import budgetbot.time.Window;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DaySlicesTest {
    @ParameterizedTest(name = "{0} .. {1} in {2}: {3}")
    @CsvSource({
            // at most one day stays whole, even across midnight
            "2026-03-01T20:00:00Z, 2026-03-02T20:00:00Z, UTC,           PT24H",
            "2026-03-01T20:00:00Z, 2026-03-02T04:00:00Z, UTC,           PT8H",
            "2026-03-01T00:00:00Z, 2026-03-01T00:00:00Z, UTC,           PT0S",
            // longer: cut at local midnights, partial first and last slice
            "2026-03-01T00:00:00Z, 2026-03-03T00:00:00Z, UTC,           PT24H PT24H",
            "2026-03-01T10:00:00Z, 2026-03-03T09:00:00Z, UTC,           PT14H PT24H PT9H",
            "2026-02-28T16:00:00Z, 2026-03-02T16:00:00Z, Asia/Shanghai, PT24H PT24H",
            // Berlin springs forward on 2026-03-29 and falls back on 2026-10-25
            "2026-03-28T23:00:00Z, 2026-03-30T22:00:00Z, Europe/Berlin, PT23H PT24H",
            "2026-10-24T22:00:00Z, 2026-10-26T23:00:00Z, Europe/Berlin, PT25H PT24H",
    })
    void cutsLongWindowsAtLocalMidnights(Instant start, Instant end, ZoneId zone, String lengths) {
        List<Window> slices = DaySlices.split(new Window(start, end), zone);

        assertThat(slices).extracting(Window::length)
                .containsExactlyElementsOf(List.of(lengths.split(" ")).stream().map(Duration::parse).toList());
        assertThat(slices.get(0).start()).isEqualTo(start);
        assertThat(slices.get(slices.size() - 1).end()).isEqualTo(end);
        for (int i = 1; i < slices.size(); i++) {
            assertThat(slices.get(i).start()).isEqualTo(slices.get(i - 1).end());
            assertThat(slices.get(i).start().atZone(zone).toLocalTime()).hasToString("00:00");
        }
    }
}

package budgetbot.cli;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;
import java.time.ZoneId;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TimesTest {
    private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
    private static final Instant NOW = Instant.parse("2026-11-27T12:34:56Z");

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "2026-11-27T10:00+08:00,                2026-11-27T02:00:00Z",
            "2026-11-27T10:00:30Z,                  2026-11-27T10:00:30Z",
            "2026-11-27T10:00+01:00[Europe/Paris],  2026-11-27T09:00:00Z",
            // no offset: read in the configured timezone
            "2026-11-27T10:00,                      2026-11-27T02:00:00Z",
            "2026-11-27,                            2026-11-26T16:00:00Z",
            "1795000000,                            2026-11-18T11:06:40Z",
            "now,                                   2026-11-27T12:34:56Z",
            // a span from now, as silence add --until and backtest --from are typed
            "+4h,                                   2026-11-27T16:34:56Z",
            "+30m,                                  2026-11-27T13:04:56Z",
            "+90m,                                  2026-11-27T14:04:56Z",
            "+90 minutes,                           2026-11-27T14:04:56Z",
            "+1d,                                   2026-11-28T12:34:56Z",
            "+1 day,                                2026-11-28T12:34:56Z",
            "+2 Days,                               2026-11-29T12:34:56Z",
            "+1w,                                   2026-12-04T12:34:56Z",
            "-7d,                                   2026-11-20T12:34:56Z",
            "now+4h,                                2026-11-27T16:34:56Z",
            "now - 2 hours,                         2026-11-27T10:34:56Z",
    })
    void readsWhatUsersType(String text, String expected) {
        assertThat(Times.parse(text, SHANGHAI, NOW)).isEqualTo(Instant.parse(expected));
    }

    @ParameterizedTest
    @ValueSource(strings = {"yesterday", "27/11/2026", "2026-11-27T10:00+0800", "2026-13-01", "+1 fortnight", "4h",
            "+1.5h", "+1M", "+ day"})
    void refusesOtherFormsNamingEveryAcceptedOne(String text) {
        assertThatThrownBy(() -> Times.parse(text, SHANGHAI, NOW))
                .hasMessage("cannot read time '" + text + "': use ISO-8601 (2026-11-27T10:00+08:00; 2026-11-27 or "
                        + "2026-11-27T10:00 in the config's timezone), unix seconds, 'now', or a span from now: +30m, "
                        + "+4h, +2d, +1w, -7d ('+90 minutes', '+1 day' and 'now+4h' too)");
    }
}

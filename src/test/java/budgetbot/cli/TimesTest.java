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
    })
    void readsWhatUsersType(String text, String expected) {
        assertThat(Times.parse(text, SHANGHAI, NOW)).isEqualTo(Instant.parse(expected));
    }

    @ParameterizedTest
    @ValueSource(strings = {"yesterday", "27/11/2026", "2026-11-27T10:00+0800", "2026-13-01"})
    void refusesOtherFormsNamingTheAcceptedOnes(String text) {
        assertThatThrownBy(() -> Times.parse(text, SHANGHAI, NOW))
                .hasMessageStartingWith("cannot read time '" + text + "': use ISO-8601");
    }
}

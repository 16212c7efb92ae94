package budgetbot.config;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UnitsTest {
    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource({
            "20000000, 20000000",
            "20M,      20000000",
            "1.5k,     1500",
            "1.5K,     1500",
            "2G,       2000000000",
            "0.5,      0.5",
            "20_000,   20000",
            "100 k,    100000",
            "0,        0",
            "-5,       -5",
    })
    void quantities(String text, String expected) {
        assertThat(Units.quantity(text)).isEqualTo(new java.math.BigDecimal(expected));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "20m   | unknown suffix m in \"20m\"; did you mean M (million)?",
            "2g    | unknown suffix g in \"2g\"; did you mean G (billion)?",
            "3T    | unknown suffix T in \"3T\"; use k (thousand), M (million) or G (billion)",
            "lots  | expected a number such as 20000000, 20M or 1.5k, got \"lots\"",
            "1e6   | expected a number such as 20000000, 20M or 1.5k, got \"1e6\"; write 1e6 as 1000000, or with a suffix"
                    + " such as 10M",
            "¥500  | expected a number such as 20000000, 20M or 1.5k, got \"¥500\"; write the amount alone, e.g. 500: its"
                    + " currency is prices.currency",
            "500元 | expected a number such as 20000000, 20M or 1.5k, got \"500元\"; write the amount alone, e.g. 500: its"
                    + " currency is prices.currency",
            "500 CNY | expected a number such as 20000000, 20M or 1.5k, got \"500 CNY\"; write the amount alone, e.g. 500:"
                    + " its currency is prices.currency",
            "$5k   | expected a number such as 20000000, 20M or 1.5k, got \"$5k\"; write the amount alone, e.g. 500: its"
                    + " currency is prices.currency",
    })
    void badQuantities(String text, String message) {
        assertThatThrownBy(() -> Units.quantity(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource({"80%, 0.8", "100%, 1", "12.5%, 0.125", "150 %, 1.5", "0%, 0", "-5%, -0.05"})
    void percentages(String text, String fraction) {
        assertThat(Units.percent(text)).isEqualTo(new java.math.BigDecimal(fraction));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "0.8  | expected a percentage, got the bare number 0.8; add %, e.g. 0.8% (for the fraction 0.8 write 80%)",
            "80   | expected a percentage, got the bare number 80; add %, e.g. 80%",
            "80 pct | expected a percentage such as 80% or 12.5%, got \"80 pct\"",
    })
    void badPercentages(String text, String message) {
        assertThatThrownBy(() -> Units.percent(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource({"90s, PT1M30S", "30m, PT30M", "6h, PT6H", "1d, PT24H", "1w, PT168H", "1h30m, PT1H30M",
            "PT6H, PT6H", "P1D, PT24H", "0s, PT0S"})
    void durations(String text, Duration expected) {
        assertThat(Units.duration(text)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "6     | expected a duration, got the bare number 6; add a unit: s, m, h, d or w, e.g. 6m",
            "6 hrs | expected a duration such as 90s, 30m, 6h, 1d, 1w or PT6H, got \"6 hrs\"",
            "PT6X  | invalid ISO-8601 duration \"PT6X\"; e.g. PT6H or P1D",
    })
    void badDurations(String text, String message) {
        assertThatThrownBy(() -> Units.duration(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(nullValues = "NONE", value = {
            "thresolds,  thresholds",
            "Thresholds, thresholds",
            "treshold,   thresholds",
            "notfy,      notify",
            "nam,        name",
            "colour,     NONE",
            "x,          NONE",
    })
    void suggestionsOnlyForPlausibleTypos(String typo, String expected) {
        List<String> fields = List.of("name", "notify", "thresholds", "forecast", "forecastAfter");

        assertThat(Suggest.closest(typo, fields)).isEqualTo(java.util.Optional.ofNullable(expected));
    }
}

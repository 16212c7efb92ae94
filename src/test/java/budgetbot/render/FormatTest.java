package budgetbot.render;

import budgetbot.config.Metric;
import budgetbot.digest.Change;
import budgetbot.digest.Fixture;
import budgetbot.digest.GroupReport;
import budgetbot.time.PeriodCalendar;
import budgetbot.time.PeriodUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.math.BigDecimal;
import java.time.DayOfWeek;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class FormatTest {
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"0, 0", "950, 950", "999, 999", "1000, 1k", "84240, 84.2k", "120000, 120k", "999950, 1M",
            "12345678, 12.3M", "2500000000, 2.5B", "-1500, -1.5k"})
    void compactCounts(long n, String expected) {
        assertThat(Format.compact(n)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"100, 112, +12%", "100, 95, -5%", "1000, 1035, +3.5%", "1000, 997, -0.3%", "100, 100, 0%",
            "0, 5, new", "0, 0, 0%", "100, 0, -100%", "3, 10, +233%"})
    void percentChanges(long previous, long current, String expected) {
        assertThat(Format.percent(new Change(BigDecimal.valueOf(previous), BigDecimal.valueOf(current))))
                .isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
            "TOKENS | 1000 | 1500 | ▲ +500 (+50%)",
            "TOKENS | 1500 | 1000 | ▼ -500 (-33%)",
            "TOKENS | 7 | 7 | 0 (0%)",
            "COST | 2.5 | 3.755 | ▲ +CNY 1.26 (+50%)"})
    void changesOfAMetric(Metric metric, String previous, String current, String expected) {
        assertThat(Format.change(metric, new Change(new BigDecimal(previous), new BigDecimal(current)),
                Optional.of("CNY"))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} containing {1}: {2}")
    @CsvSource({
            "HOUR,  2026-11-26T14:20, Thu 26 Nov 2026 14:00, 2026-11-26T14",
            "DAY,   2026-11-26T14:20, Thu 26 Nov 2026,       2026-11-26",
            "WEEK,  2026-11-26T14:20, week of Mon 23 Nov 2026, 2026-11-23",
            "MONTH, 2026-11-26T14:20, Nov 2026,              2026-11-01",
    })
    void periodsAreNamedAsPeopleSayThem(PeriodUnit unit, String at, String label, String fileDate) {
        ZoneId zone = ZoneId.of("Asia/Shanghai");
        var w = PeriodCalendar.of(zone).periodOf(unit, LocalDateTime.parse(at).atZone(zone).toInstant());

        assertThat(Format.period(unit, w, zone)).isEqualTo(label);
        assertThat(Format.fileDate(unit, w, zone)).isEqualTo(fileDate);
    }

    @Test
    void aMonthFromABillingDayNamesBothEnds() {
        ZoneId zone = ZoneId.of("Asia/Shanghai");
        var calendar = new PeriodCalendar(zone, DayOfWeek.MONDAY, 15);
        var w = calendar.periodOf(PeriodUnit.MONTH, LocalDateTime.parse("2026-11-20T00:00").atZone(zone).toInstant());

        assertThat(Format.period(PeriodUnit.MONTH, w, zone)).isEqualTo("Sun 15 Nov 2026 to Mon 14 Dec 2026");
    }

    @Test
    void sparklineScalesToTheLargestBar() {
        GroupReport g = Fixture.dailyReport().headline();

        String spark = SlackDigest.sparkline(g);

        assertThat(spark).hasSize(24).startsWith("▁").endsWith("█");
    }

    @Test
    void truncationKeepsSurrogatePairsWhole() {
        String s = "ab" + "😀".repeat(10);

        String cut = Mrkdwn.truncate(s, 6);

        assertThat(cut.length()).isLessThanOrEqualTo(6);
        assertThat(cut).isEqualTo("ab😀…");
    }
}

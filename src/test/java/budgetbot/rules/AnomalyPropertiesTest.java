package budgetbot.rules;

import budgetbot.config.Anomaly;
import budgetbot.config.Metric;
import budgetbot.config.Prices;
import budgetbot.config.RuleConfig;
import budgetbot.testing.Seeded;
import budgetbot.time.PeriodCalendar;
import budgetbot.time.Window;
import budgetbot.usage.Series;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.TemporalAdjusters;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The anomaly check's two promises, on generated weekly rhythms: seasonality and noise never fire without a spike,
 * at any hour of a week, whatever the shape and level; a spike of 3x over two hours is found in its first complete
 * hour, escalates in the second and resolves once the hour after has had the time to be reported. Scores go through the evaluator as a check would ask for them.
 */
class AnomalyPropertiesTest {
    private static final PeriodCalendar CALENDAR = PeriodCalendar.of(Seasonal.SHANGHAI);
    private static final Evaluator EVALUATOR = new Evaluator(CALENDAR, new Prices("CNY", Map.of()));
    private static final Series KEY = new Series("k1", "m");

    private static Seasonal shape(Seeded g) {
        return new Seasonal(Seasonal.SHANGHAI, g.between(50_000L, 50_000_000L), g.between(2, 30) / 100.0,
                g.between(15, 70) / 100.0, g.between(40, 95) / 100.0, g.between(0, 10) / 100.0, g.between(0L, 1L << 40));
    }

    /** A Monday 00:00 local, some weeks into 2026 and 2027. */
    private static Instant monday(Seeded g) {
        LocalDate d = LocalDate.of(2026, 3, 2).plusWeeks(g.between(0, 60))
                .with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
        return d.atStartOfDay(Seasonal.SHANGHAI).toInstant();
    }

    private static Anomaly anomaly(BigDecimal minExcess) {
        return new Anomaly(Metric.TOKENS, minExcess, Anomaly.DEFAULT_SENSITIVITY, Anomaly.DEFAULT_MIN_RATIO,
                Anomaly.DEFAULT_BASELINE_WEEKS);
    }

    private static Finding evaluate(RuleConfig rule, Instant at, Map<Instant, Long> hours) {
        List<Finding> findings = EVALUATOR.evaluate(rule, at, Seasonal.snapshot(EVALUATOR, rule, at, s -> hours));
        assertThat(findings).hasSize(1);
        return findings.get(0);
    }

    @Test
    void dailyAndWeeklySeasonalityWithNoiseNeverFiresAtAnyHourOfAWeek() {
        int[] scored = new int[2];
        Seeded.cases(40, g -> {
            Seasonal shape = shape(g);
            boolean fallback = g.chance(0.3);
            Instant monday = monday(g);
            // five weeks of history before the week checked; or 8 to 20 days, where the same hour of the day stands in
            Instant first = fallback ? monday.minus(Duration.ofDays(g.between(8, 20))) : monday.minus(Duration.ofDays(35));
            Map<Instant, Long> hours = shape.hours(first, monday.plus(Duration.ofDays(7)), Optional.empty(), 1);
            BigDecimal minExcess = BigDecimal.valueOf(shape.base() / g.oneOf(2, 10, 100));
            AnomalyScorer scorer = new AnomalyScorer(anomaly(minExcess), CALENDAR, Set.of());
            AnomalyScorer.Hourly hourly = new AnomalyScorer.Hourly(toBig(hours), Optional.of(first));
            for (Instant h = monday; h.isBefore(monday.plus(Duration.ofDays(7))); h = h.plus(Duration.ofHours(1))) {
                AnomalyScorer.Verdict v = scorer.score(hourly, h);
                assertThat(v.anomalous()).as("%s at %s: %s", shape, h.atZone(Seasonal.SHANGHAI), v).isFalse();
                assertThat(v.unscored()).as("scored at %s", h).isEmpty();
                scored[v.basis() == AnomalyScore.Basis.HOUR_OF_WEEK ? 0 : 1]++;
            }
        });
        assertThat(scored[0]).as("hours scored on the hour of the week").isGreaterThan(500);
        assertThat(scored[1]).as("hours scored on the hour of the day").isGreaterThan(500);
    }

    @Test
    void aThreefoldSpikeOverTwoHoursIsFoundInItsFirstCompleteHourEscalatesAndResolves() {
        Seeded.cases(25, g -> {
            Seasonal shape = shape(g);
            Instant monday = monday(g);
            // a weekday's working hours, where three times the usual is worth an alert
            Instant start = monday.plus(Duration.ofDays(g.between(0, 4))).plus(Duration.ofHours(g.between(10, 17)));
            Window spike = new Window(start, start.plus(Duration.ofHours(2)));
            boolean fallback = g.chance(0.3);
            Instant first = fallback ? monday.minus(Duration.ofDays(g.between(10, 20))) : monday.minus(Duration.ofDays(35));
            Map<Instant, Long> hours = shape.hours(first, monday.plus(Duration.ofDays(7)), Optional.of(spike), 3);
            RuleConfig rule = Seasonal.rule(List.of("k1"), anomaly(BigDecimal.valueOf(shape.base() / 10)), Set.of());
            Duration into = Duration.ofMinutes(g.between(0, 59));

            Finding before = evaluate(rule, start.plus(into), hours);
            Finding firstHour = evaluate(rule, start.plus(Duration.ofHours(1)).plus(into), hours);
            Finding secondHour = evaluate(rule, spike.end().plus(into), hours);
            // the hour after the spike, while its usage may still be coming in, and once it had the time to
            Finding held = evaluate(rule, spike.end().plus(Duration.ofHours(1)).plus(into.toMinutes() < 15 ? into
                    : Duration.ofMinutes(into.toMinutes() % 15)), hours);
            Finding after = evaluate(rule, spike.end().plus(Duration.ofHours(1)).plus(AnomalyCheck.LATE)
                    .plus(Duration.ofMinutes(into.toMinutes() % 45)), hours);

            assertThat(before.active()).as("before the spike's first hour is complete").isFalse();
            assertThat(firstHour.active()).as("first complete hour: %s", firstHour.anomaly()).isTrue();
            assertThat(firstHour.level()).isEqualByComparingTo("1");
            assertThat(firstHour.window()).isEqualTo(new Window(start, start.plus(Duration.ofHours(1))));
            assertThat(firstHour.anomaly().orElseThrow().basis()).isEqualTo(fallback
                    ? AnomalyScore.Basis.HOUR_OF_DAY : AnomalyScore.Basis.HOUR_OF_WEEK);
            assertThat(secondHour.active()).isTrue();
            assertThat(secondHour.level()).as("a second anomalous hour in a row").isEqualByComparingTo("2");
            assertThat(secondHour.window().start()).as("the same alert: the run started with the spike")
                    .isEqualTo(start);
            assertThat(held.active()).as("an hour that ended moments ago does not resolve it yet").isTrue();
            assertThat(held.window()).isEqualTo(secondHour.window());
            assertThat(after.active()).as("back to the rhythm").isFalse();
        });
    }

    @Test
    void underSevenDaysOfHistoryNeverFiresAndSaysWhy() {
        Seeded.cases(20, g -> {
            Seasonal shape = shape(g);
            Instant monday = monday(g);
            Instant first = monday.minus(Duration.ofDays(g.between(0, 5)).plus(Duration.ofHours(g.between(0, 23))));
            Instant at = monday.plus(Duration.ofHours(15)).plus(Duration.ofMinutes(5));
            Window spike = new Window(monday.plus(Duration.ofHours(14)), monday.plus(Duration.ofHours(15)));
            Map<Instant, Long> hours = shape.hours(first, at, Optional.of(spike), 10);
            RuleConfig rule = Seasonal.rule(List.of("k1"), anomaly(BigDecimal.ONE), Set.of());

            Finding f = evaluate(rule, at, hours);

            assertThat(f.active()).isFalse();
            assertThat(f.anomaly().orElseThrow().unscored()).hasValueSatisfying(why -> assertThat(why)
                    .matches("too little history: [0-6] days? of usage, anomaly checks need 7"));
        });
    }

    private static Map<Instant, BigDecimal> toBig(Map<Instant, Long> hours) {
        Map<Instant, BigDecimal> out = new HashMap<>();
        hours.forEach((h, v) -> out.put(h, BigDecimal.valueOf(v)));
        return out;
    }
}

package budgetbot.rules;

import budgetbot.config.Budget;
import budgetbot.config.GroupBy;
import budgetbot.config.Metric;
import budgetbot.config.RuleConfig;
import budgetbot.time.PeriodCalendar;
import budgetbot.time.PeriodUnit;
import budgetbot.time.Window;
import budgetbot.usage.Series;
import budgetbot.usage.Usage;
import budgetbot.usage.UsageBucket;
import budgetbot.usage.UsageTotals;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.LongStream;

import static budgetbot.rules.Ledger.t;
import static budgetbot.rules.Rules.budgetRule;
import static budgetbot.rules.Rules.forecastBudget;
import static org.assertj.core.api.Assertions.assertThat;

class ForecastTest {
    private static final Series SERIES = new Series("k1", "m1");
    private final Evaluator evaluator = new Evaluator(PeriodCalendar.of(EvaluatorTest.SHANGHAI), EvaluatorTest.PRICES);

    /** "100x16 1000x2": 16 hours of 100 tokens, then 2 hours of 1000. */
    private static long[] hours(String spec) {
        return Arrays.stream(spec.trim().split("\\s+")).flatMapToLong(part -> {
            String[] p = part.split("x");
            return LongStream.generate(() -> Long.parseLong(p[0])).limit(Long.parseLong(p[1]));
        }).toArray();
    }

    private List<Finding> evaluate(RuleConfig rule, Instant at, Ledger ledger) {
        return evaluator.evaluate(rule, at, ledger.snapshot(evaluator, rule, at));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            // name                      | period | after | hourly from the period start | at (+08)            | limit   | total   | active | limit reached at (+08) | method
            "too early in the day         | DAY   | 0.25 | 100x5            | 2026-11-27T05:00:00 | 1000    |         | false |                     |",
            "as soon as forecastAfter     | DAY   | 0.25 | 100x6            | 2026-11-27T06:00:00 | 3000    | 2400    | false |                     | recent rate over the last 2h",
            "steady rate, below the limit | DAY   | 0.1  | 100x12           | 2026-11-27T12:00:00 | 3000    | 2400    | false |                     | recent rate over the last 3h",
            "steady rate, over the limit  | DAY   | 0.1  | 100x12           | 2026-11-27T12:00:00 | 2000    | 2400    | true  | 2026-11-27T20:00:00 | recent rate over the last 3h",
            "mid-hour, whole-hour span    | DAY   | 0.1  | 100x12 50x1      | 2026-11-27T12:30:00 | 2000    | 2400    | true  | 2026-11-27T20:00:00 | recent rate over the last 3h 30m",
            // the average (200/h) would project 4800, below the limit; the last 5h ran at 460/h
            "recent burst                 | DAY   | 0.1  | 100x16 1000x2    | 2026-11-27T18:00:00 | 5000    | 6360    | true  | 2026-11-27T21:02:37 | recent rate over the last 5h",
            "busy morning, quiet since    | DAY   | 0.1  | 1000x2 0x10      | 2026-11-27T12:00:00 | 3000    | 2000    | false |                     | recent rate over the last 3h",
            // over the limit: when the running total crossed it, spread evenly within its hour
            "limit already reached        | DAY   | 0.1  | 100x12           | 2026-11-27T12:00:00 | 1000    | 2400    | false | 2026-11-27T10:00:00 | recent rate over the last 3h",
            "limit crossed mid-hour       | DAY   | 0.1  | 100x12           | 2026-11-27T12:00:00 | 950     | 2400    | false | 2026-11-27T09:30:00 | recent rate over the last 3h",
            "crossed in the current hour  | DAY   | 0.1  | 100x12 400x1     | 2026-11-27T12:30:00 | 1400    | 3900    | false | 2026-11-27T12:15:00 | recent rate over the last 3h 30m",
            "busy first hour of the month | MONTH | 0.1  | 1000000x1        | 2026-12-01T01:00:00 | 2000000 |         | false |                     |",
            "busy first hour, days later  | MONTH | 0.1  | 1000000x1 0x95   | 2026-12-05T00:00:00 | 2000000 | 1000000 | false |                     | recent rate over the last 1d",
            // the average (48000/d) would project 1488000
            "busy last day of four        | MONTH | 0.1  | 1000x72 5000x24  | 2026-12-05T00:00:00 | 2000000 | 3432000 | true  | 2026-12-20T01:36:00 | recent rate over the last 1d",
            "hour period, span capped     | HOUR  | 0.5  | 600x1            | 2026-11-27T00:40:00 | 800     | 900     | true  | 2026-11-27T00:53:20 | recent rate over the last 40m",
    })
    void projectsFromTheRecentRate(String name, PeriodUnit period, String after, String hourly, String at,
                                   String limit, BigDecimal total, boolean active, String reachedAt, String method) {
        Instant start = PeriodCalendar.of(EvaluatorTest.SHANGHAI).periodOf(period, t(at + "+08:00")).start();
        Ledger ledger = new Ledger();
        long[] tokens = hours(hourly);
        for (int i = 0; i < tokens.length; i++) {
            ledger.add(SERIES, start.plus(Duration.ofHours(i)), Ledger.tokens(tokens[i]));
        }
        RuleConfig rule = budgetRule(GroupBy.SERIES, List.of("k1"), List.of("m1"),
                forecastBudget(period, limit, after));

        List<Finding> findings = evaluate(rule, t(at + "+08:00"), ledger);
        Finding budget = findings.get(0);
        Finding forecast = findings.get(1);

        assertThat(forecast.kind()).isEqualTo(Kind.FORECAST);
        assertThat(forecast.condition()).isEqualTo("budget[0]:tokens/" + period.yamlName() + ":forecast");
        assertThat(forecast.active()).isEqualTo(active);
        assertThat(forecast.level()).isEqualByComparingTo(active ? "1" : "0");
        assertThat(budget.forecast()).isEqualTo(forecast.forecast());
        if (total == null) {
            assertThat(forecast.forecast()).isEmpty();
        } else {
            Projection p = forecast.forecast().orElseThrow();
            assertThat(p.total()).isEqualByComparingTo(total);
            assertThat(p.limitReachedAt()).isEqualTo(Optional.ofNullable(reachedAt).map(r -> t(r + "+08:00")));
            assertThat(p.method()).isEqualTo(method);
        }
    }

    @Test
    void withoutBucketsTheAverageRateSinceThePeriodStartIsUsed() {
        Ledger ledger = new Ledger()
                .hourly(SERIES, "2026-11-27T00:00:00+08:00", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 600, 600);
        RuleConfig rule = budgetRule(GroupBy.SERIES, List.of("k1"), List.of("m1"),
                forecastBudget(PeriodUnit.DAY, "2000", "0.1"));
        Instant at = t("2026-11-27T12:00:00+08:00");

        Finding forecast = evaluator.evaluate(rule, at, ledger.snapshotWithoutBuckets(evaluator, rule, at))
                .get(1);

        Projection p = forecast.forecast().orElseThrow();
        assertThat(p.total()).isEqualByComparingTo("2400");
        assertThat(p.method()).isEqualTo("average rate since the period start (no hourly data)");
        assertThat(p.limitReachedAt()).contains(t("2026-11-27T20:00:00+08:00"));
        assertThat(forecast.active()).isTrue();
    }

    @Test
    void withoutBucketsItIsUnknownWhenTheLimitWasCrossed() {
        Ledger ledger = new Ledger().hourly(SERIES, "2026-11-27T00:00:00+08:00", 600, 600, 600, 600);
        RuleConfig rule = budgetRule(GroupBy.SERIES, List.of("k1"), List.of("m1"),
                forecastBudget(PeriodUnit.DAY, "2000", "0.1"));
        Instant at = t("2026-11-27T04:00:00+08:00");

        Finding budget = evaluator.evaluate(rule, at, ledger.snapshotWithoutBuckets(evaluator, rule, at))
                .get(0);

        assertThat(budget.used()).isEqualByComparingTo("2400");
        assertThat(budget.forecast().orElseThrow().limitReachedAt()).isEmpty();
    }

    @Test
    void aMetricTheBucketsDoNotCarryFallsBackToTheAverageRate() {
        // UCloud's per-timestamp usage has token types only: requests are known only as a total
        Instant start = t("2026-11-27T00:00:00+08:00");
        Instant at = t("2026-11-27T12:00:00+08:00");
        Window soFar = new Window(start, at);
        List<UsageBucket> buckets = new ArrayList<>();
        for (int h = 0; h < 12; h++) {
            buckets.add(new UsageBucket(start.plus(Duration.ofHours(h)), new UsageTotals(0, 0, 100, 0, 0), Map.of()));
        }
        Usage usage = new Usage(SERIES, soFar, new UsageTotals(0, 0, 1200, 12, 0), buckets);
        Budget requests = new Budget(Metric.REQUESTS, PeriodUnit.DAY, new BigDecimal("30"),
                List.of(BigDecimal.ONE), true, new BigDecimal("0.1"));
        RuleConfig rule = budgetRule(GroupBy.SERIES, List.of("k1"), List.of("m1"), requests);

        Finding forecast = evaluator.evaluate(rule, at, new UsageSnapshot(Map.of(soFar, Map.of(SERIES, usage))))
                .get(1);

        Projection p = forecast.forecast().orElseThrow();
        assertThat(p.total()).isEqualByComparingTo("24");
        assertThat(p.method()).startsWith("average rate");
        assertThat(forecast.active()).isFalse();
    }

    @Test
    void budgetWithoutForecastHasNoForecastFinding() {
        RuleConfig rule = budgetRule(GroupBy.SERIES, List.of("k1"), List.of("m1"),
                Rules.budget(Metric.TOKENS, PeriodUnit.DAY, "100", "1.0"));
        Ledger ledger = new Ledger().hourly(SERIES, "2026-11-27T00:00:00+08:00", 10, 10, 10, 10, 10, 10);

        List<Finding> findings = evaluate(rule, t("2026-11-27T12:00:00+08:00"), ledger);

        assertThat(findings).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo(Kind.BUDGET);
            assertThat(f.forecast()).isEmpty();
        });
    }
}

package budgetbot.rules;

import budgetbot.config.Budget;
import budgetbot.config.GroupBy;
import budgetbot.config.Metric;
import budgetbot.config.ModelPrice;
import budgetbot.config.Prices;
import budgetbot.config.RuleConfig;
import budgetbot.time.PeriodCalendar;
import budgetbot.time.PeriodUnit;
import budgetbot.time.Window;
import budgetbot.usage.Series;
import budgetbot.usage.UsageTotals;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.math.BigDecimal;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static budgetbot.rules.Ledger.t;
import static budgetbot.rules.Rules.budget;
import static budgetbot.rules.Rules.budgetRule;
import static budgetbot.rules.Rules.forecastBudget;
import static budgetbot.rules.Rules.growth;
import static budgetbot.rules.Rules.rule;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

class EvaluatorTest {
    static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
    static final Prices PRICES = new Prices("CNY", Map.of(
            "cheap", new ModelPrice(new BigDecimal("2"), new BigDecimal("8"), new BigDecimal("0.05")),
            "dear", new ModelPrice(new BigDecimal("20"), new BigDecimal("60"), new BigDecimal("0.4"))));
    private static final Instant NOON = t("2026-11-27T12:00:00+08:00");

    private final Evaluator evaluator = new Evaluator(PeriodCalendar.of(SHANGHAI), PRICES);

    private List<Finding> evaluate(RuleConfig rule, Instant at, Ledger ledger) {
        return evaluator.evaluate(rule, at, ledger.snapshot(evaluator, rule, at));
    }

    @ParameterizedTest(name = "{0} of both models is {1}")
    @CsvSource({
            "TOKENS,        153000",
            "INPUT_TOKENS,  101000",
            "OUTPUT_TOKENS, 52000",
            "REQUESTS,      10",
            "IMAGES,        3",
            // cheap: (1000*2 + 2000*8)/1M + 1*0.05 = 0.068; dear: (100000*20 + 50000*60)/1M + 2*0.4 = 5.8
            "COST,          5.868",
    })
    void metricIsSummedOverTheGroupWithEachModelsOwnPrice(Metric metric, BigDecimal expected) {
        Ledger ledger = new Ledger()
                .add(new Series("k1", "cheap"), t("2026-11-27T09:15:00+08:00"), new UsageTotals(1000, 2000, 3000, 3, 1))
                .add(new Series("k1", "dear"), t("2026-11-27T10:15:00+08:00"),
                        new UsageTotals(100_000, 50_000, 150_000, 7, 2));
        RuleConfig rule = budgetRule(GroupBy.ALL, List.of("k1"), List.of("cheap", "dear"),
                budget(metric, PeriodUnit.DAY, "1000000", "0.8"));

        Finding f = evaluate(rule, NOON, ledger).get(0);

        assertThat(f.used()).isEqualByComparingTo(expected);
        assertThat(f.metric()).isEqualTo(metric);
    }

    @Test
    void costOfAModelWithoutAPriceIsZero() {
        Ledger ledger = new Ledger().add(new Series("k1", "unpriced"), "2026-11-27T09:15:00+08:00", 1000);
        RuleConfig rule = budgetRule(GroupBy.ALL, List.of("k1"), List.of("unpriced"),
                budget(Metric.COST, PeriodUnit.DAY, "1", "0.8"));

        assertThat(evaluate(rule, NOON, ledger).get(0).used()).isEqualByComparingTo("0");
    }

    @ParameterizedTest(name = "group by {0}: {1}")
    @CsvSource(delimiter = '|', value = {
            "SERIES | k1 x m1=1; k1 x m2=10; k2 x m1=100; k2 x m2=1000",
            "KEY    | k1=11; k2=1100",
            "MODEL  | m1=101; m2=1010",
            "ALL    | all=1111",
    })
    void groupsAreFormedPerGroupByAndSumTheirSeries(GroupBy groupBy, String expected) {
        Ledger ledger = new Ledger()
                .add(new Series("k1", "m1"), "2026-11-27T01:00:00+08:00", 1)
                .add(new Series("k1", "m2"), "2026-11-27T02:00:00+08:00", 10)
                .add(new Series("k2", "m1"), "2026-11-27T03:00:00+08:00", 100)
                .add(new Series("k2", "m2"), "2026-11-27T04:00:00+08:00", 1000);
        RuleConfig rule = budgetRule(groupBy, List.of("k1", "k2"), List.of("m1", "m2"),
                budget(Metric.TOKENS, PeriodUnit.DAY, "100000", "0.8"));

        Map<String, BigDecimal> used = new LinkedHashMap<>();
        evaluate(rule, NOON, ledger).forEach(f -> used.put(f.group(), f.used()));

        Map<String, BigDecimal> want = new LinkedHashMap<>();
        Arrays.stream(expected.split(";\\s*")).map(e -> e.split("="))
                .forEach(e -> want.put(e[0], new BigDecimal(e[1])));
        assertThat(used).containsExactlyEntriesOf(want);
    }

    /** A limit per key: each key against its own; a key the budget does not name against the one for the rest. */
    @Test
    void aKeyIsMeasuredAgainstItsOwnLimitAndTheRestAgainstTheDefault() {
        Ledger ledger = new Ledger()
                .add(new Series("k1", "m1"), "2026-11-27T01:00:00+08:00", 900)
                .add(new Series("k2", "m1"), "2026-11-27T02:00:00+08:00", 900)
                .add(new Series("k3", "m1"), "2026-11-27T03:00:00+08:00", 900);
        Budget plain = budget(Metric.TOKENS, PeriodUnit.DAY, "1000", "0.8", "1");
        Budget perKey = new Budget(plain.metric(), plain.period(), new BigDecimal("1000"),
                Map.of("k1", new BigDecimal("500"), "k2", new BigDecimal("5000")), plain.thresholds(), false,
                plain.forecastAfter());
        RuleConfig rule = budgetRule(GroupBy.KEY, List.of("k1", "k2", "k3"), List.of("m1"), perKey);

        assertThat(evaluate(rule, NOON, ledger))
                .extracting(Finding::group, Finding::active, Finding::level, f -> f.limit().orElseThrow())
                .containsExactly(
                        tuple("k1", true, new BigDecimal("1"), new BigDecimal("500")),
                        tuple("k2", false, BigDecimal.ZERO, new BigDecimal("5000")),
                        tuple("k3", true, new BigDecimal("0.8"), new BigDecimal("1000")));
    }

    @ParameterizedTest(name = "group by {0}: keys {1}, models {2}")
    @CsvSource(delimiter = '|', value = {
            "SERIES | k1     | m1",
            "KEY    | k1     | m1,m2",
            "MODEL  | k1,k2  | m1",
            "ALL    | k1,k2  | m1,m2",
    })
    void findingNamesTheKeysAndModelsOfItsGroup(GroupBy groupBy, String keys, String models) {
        RuleConfig rule = budgetRule(groupBy, List.of("k1", "k2"), List.of("m1", "m2"),
                budget(Metric.TOKENS, PeriodUnit.DAY, "100", "0.8"));

        Finding first = evaluate(rule, NOON, new Ledger()).get(0);

        assertThat(first.keys()).containsExactly(keys.split(","));
        assertThat(first.models()).containsExactly(models.split(","));
    }

    @ParameterizedTest(name = "limit {0}, used {1}: level {2}, active {3}")
    @CsvSource({
            "1000, 0,    0,   false",
            "1000, 499,  0,   false",
            "1000, 500,  0.5, true",
            "1000, 700,  0.5, true",
            "1000, 800,  0.8, true",
            "1000, 999,  0.8, true",
            "1000, 1000, 1.0, true",
            "1000, 1500, 1.0, true",
            "0,    0,    0,   false",
            "0,    1,    1.0, true",
    })
    void budgetLevelIsTheHighestThresholdReached(String limit, long used, BigDecimal level, boolean active) {
        Series s = new Series("k1", "m1");
        Ledger ledger = new Ledger().add(s, "2026-11-27T09:00:00+08:00", used);
        RuleConfig rule = budgetRule(GroupBy.SERIES, List.of("k1"), List.of("m1"),
                budget(Metric.TOKENS, PeriodUnit.DAY, limit, "0.5", "0.8", "1.0"));

        Finding f = evaluate(rule, NOON, ledger).get(0);

        assertThat(f.kind()).isEqualTo(Kind.BUDGET);
        assertThat(f.level()).isEqualByComparingTo(level);
        assertThat(f.active()).isEqualTo(active);
        assertThat(f.limit()).contains(new BigDecimal(limit));
        assertThat(f.forecast()).isEmpty();
    }

    @ParameterizedTest(name = "{0} at {3} (week starts {1}, month on day {2}): {4}, period {5} .. {6}")
    @CsvSource({
            // 23:59 on November 30th in Shanghai is still November
            "MONTH, MONDAY, 1,  2026-11-30T23:59:30+08:00, 11100, 2026-11-01T00:00+08:00, 2026-12-01T00:00+08:00",
            "MONTH, MONDAY, 1,  2026-12-01T00:00:30+08:00, 1,     2026-12-01T00:00+08:00, 2027-01-01T00:00+08:00",
            // 16:30 UTC on November 30th is already December 1st in Shanghai
            "MONTH, MONDAY, 1,  2026-11-30T16:30:00Z,      1,     2026-12-01T00:00+08:00, 2027-01-01T00:00+08:00",
            "DAY,   MONDAY, 1,  2026-11-30T16:30:00Z,      1,     2026-12-01T00:00+08:00, 2026-12-02T00:00+08:00",
            "WEEK,  SUNDAY, 1,  2026-12-01T12:00:00+08:00, 1101,  2026-11-29T00:00+08:00, 2026-12-06T00:00+08:00",
            "WEEK,  MONDAY, 1,  2026-12-01T12:00:00+08:00, 101,   2026-11-30T00:00+08:00, 2026-12-07T00:00+08:00",
            "MONTH, MONDAY, 15, 2026-12-01T12:00:00+08:00, 1101,  2026-11-15T00:00+08:00, 2026-12-15T00:00+08:00",
            "MONTH, MONDAY, 15, 2026-11-14T23:00:00+08:00, 10000, 2026-10-15T00:00+08:00, 2026-11-15T00:00+08:00",
    })
    void usageCountsInThePeriodItFallsInLocally(PeriodUnit period, DayOfWeek weekStart, int monthStartDay,
                                               String at, long used, String start, String end) {
        Series s = new Series("k1", "m1");
        Ledger ledger = new Ledger()
                .add(s, "2026-11-14T12:00:00+08:00", 10000)
                .add(s, "2026-11-29T12:00:00+08:00", 1000)
                .add(s, "2026-11-30T23:59:00+08:00", 100)
                .add(s, "2026-12-01T00:00:00+08:00", 1);
        Evaluator cal = new Evaluator(new PeriodCalendar(SHANGHAI, weekStart, monthStartDay), PRICES);
        RuleConfig rule = budgetRule(GroupBy.SERIES, List.of("k1"), List.of("m1"),
                budget(Metric.TOKENS, period, "1000000", "0.8"));
        Instant when = t(at.endsWith("Z") ? at.replace("Z", "+00:00") : at);

        Finding f = cal.evaluate(rule, when, ledger.snapshot(cal, rule, when)).get(0);

        assertThat(f.used()).isEqualByComparingTo(BigDecimal.valueOf(used));
        assertThat(f.window()).isEqualTo(new Window(t(start + ":00"), t(end + ":00")));
    }

    @Test
    void windowsCoverEveryBudgetAndGrowthPeriodOnce() {
        RuleConfig rule = rule(GroupBy.ALL, List.of("k1"), List.of("m1"),
                List.of(budget(Metric.TOKENS, PeriodUnit.DAY, "100", "0.8"),
                        budget(Metric.COST, PeriodUnit.MONTH, "100", "0.8"),
                        budget(Metric.REQUESTS, PeriodUnit.DAY, "100", "0.8")),
                List.of(growth(PeriodUnit.DAY, "1.0", "0")));

        assertThat(evaluator.windows(rule, t("2026-11-27T10:37:00+08:00"))).containsExactly(
                new Window(t("2026-11-27T00:00:00+08:00"), t("2026-11-27T10:37:00+08:00")),
                new Window(t("2026-11-01T00:00:00+08:00"), t("2026-11-27T10:37:00+08:00")),
                new Window(t("2026-11-26T00:00:00+08:00"), t("2026-11-26T10:37:00+08:00")));
    }

    @Test
    void findingsComeOnePerConditionAndGroupInRuleOrder() {
        RuleConfig rule = rule(GroupBy.KEY, List.of("k1", "k2"), List.of("m1"),
                List.of(forecastBudget(PeriodUnit.DAY, "100", "0.1"),
                        budget(Metric.COST, PeriodUnit.MONTH, "100", "0.8")),
                List.of(growth(PeriodUnit.DAY, "1.0", "0")));

        assertThat(evaluate(rule, NOON, new Ledger()))
                .extracting(Finding::kind, Finding::condition, Finding::group, Finding::active)
                .containsExactly(
                        tuple(Kind.BUDGET, "budget[0]:tokens/day", "k1", false),
                        tuple(Kind.BUDGET, "budget[0]:tokens/day", "k2", false),
                        tuple(Kind.FORECAST, "budget[0]:tokens/day:forecast", "k1", false),
                        tuple(Kind.FORECAST, "budget[0]:tokens/day:forecast", "k2", false),
                        tuple(Kind.BUDGET, "budget[1]:cost/month", "k1", false),
                        tuple(Kind.BUDGET, "budget[1]:cost/month", "k2", false),
                        tuple(Kind.GROWTH, "growth[0]:tokens/day", "k1", false),
                        tuple(Kind.GROWTH, "growth[0]:tokens/day", "k2", false));
    }

    @Test
    void contributorsAreTheFiveLargestSeriesWithTheirShares() {
        Ledger ledger = new Ledger();
        long[] tokens = {10, 50, 50, 0, 200, 40, 30};
        for (int i = 0; i < tokens.length; i++) {
            ledger.add(new Series("k" + (i + 1), "m1"), "2026-11-27T09:00:00+08:00", tokens[i]);
        }
        RuleConfig rule = budgetRule(GroupBy.ALL, List.of("k1", "k2", "k3", "k4", "k5", "k6", "k7"), List.of("m1"),
                budget(Metric.TOKENS, PeriodUnit.DAY, "1000", "0.8"));

        Finding f = evaluate(rule, NOON, ledger).get(0);

        assertThat(f.used()).isEqualByComparingTo("380");
        assertThat(f.contributors()).extracting(c -> c.series().keyId(), Contributor::value, Contributor::share)
                .containsExactly(
                        tuple("k5", new BigDecimal("200"), new BigDecimal("0.5263")),
                        tuple("k2", new BigDecimal("50"), new BigDecimal("0.1316")),
                        tuple("k3", new BigDecimal("50"), new BigDecimal("0.1316")),
                        tuple("k6", new BigDecimal("40"), new BigDecimal("0.1053")),
                        tuple("k7", new BigDecimal("30"), new BigDecimal("0.0789")));
    }

    @Test
    void contributorsOfAnUnusedGroupHaveZeroSharesInSeriesOrder() {
        RuleConfig rule = budgetRule(GroupBy.ALL, List.of("k2", "k1"), List.of("m1"),
                budget(Metric.TOKENS, PeriodUnit.DAY, "1000", "0.8"));

        Finding f = evaluate(rule, NOON, new Ledger()).get(0);

        assertThat(f.contributors()).extracting(c -> c.series().keyId(), Contributor::share)
                .containsExactly(tuple("k1", new BigDecimal("0.0000")), tuple("k2", new BigDecimal("0.0000")));
    }
}

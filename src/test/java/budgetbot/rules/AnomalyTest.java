package budgetbot.rules;

import budgetbot.config.Anomaly;
import budgetbot.config.Metric;
import budgetbot.config.ModelPrice;
import budgetbot.config.Prices;
import budgetbot.config.RuleConfig;
import budgetbot.time.PeriodCalendar;
import budgetbot.time.Window;
import budgetbot.usage.Series;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

import static budgetbot.rules.Ledger.t;
import static org.assertj.core.api.Assertions.assertThat;

/** Anomaly checks on hand-made histories: the cases the generated ones do not single out. */
class AnomalyTest {
    private static final PeriodCalendar CALENDAR = PeriodCalendar.of(Seasonal.SHANGHAI);
    private static final Prices PRICES = new Prices("CNY", Map.of("m", new ModelPrice(new BigDecimal("8"),
            new BigDecimal("8"), BigDecimal.ZERO)));
    private static final Evaluator EVALUATOR = new Evaluator(CALENDAR, PRICES);
    /** Wednesday 18 Nov 2026, 14:00 China time. */
    private static final Instant WEDNESDAY_2PM = t("2026-11-18T14:00:00+08:00");
    private static final Instant CHECK = WEDNESDAY_2PM.plus(Duration.ofMinutes(65));

    private static Anomaly anomaly(String minExcess) {
        return new Anomaly(Metric.TOKENS, new BigDecimal(minExcess), Anomaly.DEFAULT_SENSITIVITY,
                Anomaly.DEFAULT_MIN_RATIO, Anomaly.DEFAULT_BASELINE_WEEKS);
    }

    /** Five weeks of {@code usual} tokens every hour, {@code override} where it has a value. */
    private static Map<Instant, Long> flat(long usual, Map<Instant, Long> override) {
        Map<Instant, Long> hours = new HashMap<>();
        for (Instant h = WEDNESDAY_2PM.minus(Duration.ofDays(35)); h.isBefore(CHECK); h = h.plus(Duration.ofHours(1))) {
            hours.put(h, override.getOrDefault(h, usual));
        }
        return hours;
    }

    private static Finding evaluate(RuleConfig rule, Instant at, Function<Series, Map<Instant, Long>> hours) {
        return EVALUATOR.evaluate(rule, at, Seasonal.snapshot(EVALUATOR, rule, at, hours)).get(0);
    }

    private static Instant weeksBefore(int weeks) {
        return WEDNESDAY_2PM.minus(Duration.ofDays(7L * weeks));
    }

    @Test
    void aFlatHistoryHasNoSpreadSoTheExcessAndTheRatioDecide() {
        RuleConfig rule = Seasonal.rule(List.of("k1"), anomaly("50000"), Set.of());

        Finding justEnough = evaluate(rule, CHECK, s -> flat(100_000, Map.of(WEDNESDAY_2PM, 150_000L)));
        Finding tooLittleExcess = evaluate(Seasonal.rule(List.of("k1"), anomaly("50001"), Set.of()), CHECK,
                s -> flat(100_000, Map.of(WEDNESDAY_2PM, 150_000L)));
        Finding tooSmallARatio = evaluate(rule, CHECK, s -> flat(100_000, Map.of(WEDNESDAY_2PM, 149_999L)));

        assertThat(justEnough.active()).isTrue();
        AnomalyScore s = justEnough.anomaly().orElseThrow();
        assertThat(s.z()).as("no spread, no z-score").isEmpty();
        assertThat(s.spread()).isZero();
        assertThat(s.expected()).isEqualByComparingTo("100000");
        assertThat(s.samples()).isEqualTo(4);
        assertThat(s.ratio()).hasValueSatisfying(r -> assertThat(r).isEqualByComparingTo("1.5"));
        assertThat(tooLittleExcess.active()).isFalse();
        assertThat(tooSmallARatio.active()).isFalse();
    }

    @Test
    void quietDatesAreLeftOutOfTheBaselineAndNotScoredThemselves() {
        // two of the last three Wednesdays were holidays with almost no usage
        Map<Instant, Long> holidays = Map.of(weeksBefore(1), 1_000L, weeksBefore(2), 1_000L);
        Function<Series, Map<Instant, Long>> hours = s -> flat(100_000, holidays);
        Set<LocalDate> quiet = Set.of(LocalDate.parse("2026-11-11"), LocalDate.parse("2026-11-04"));
        Anomaly threeWeeks = new Anomaly(Metric.TOKENS, new BigDecimal("10000"), Anomaly.DEFAULT_SENSITIVITY,
                Anomaly.DEFAULT_MIN_RATIO, 3);

        Finding unaware = evaluate(Seasonal.rule(List.of("k1"), threeWeeks, Set.of()), CHECK, hours);
        Finding aware = evaluate(Seasonal.rule(List.of("k1"), threeWeeks, quiet), CHECK, hours);
        Finding onAQuietDay = evaluate(Seasonal.rule(List.of("k1"), anomaly("10000"),
                Set.of(LocalDate.parse("2026-11-18"))), CHECK, s -> flat(100_000, Map.of(WEDNESDAY_2PM, 900_000L)));

        assertThat(unaware.active()).as("holidays drag the median down: an ordinary hour looks like a spike").isTrue();
        assertThat(aware.active()).isFalse();
        assertThat(aware.anomaly().orElseThrow().samples()).as("the two weeks before make up for the quiet ones")
                .isEqualTo(3);
        assertThat(aware.anomaly().orElseThrow().expected()).isEqualByComparingTo("100000");
        assertThat(onAQuietDay.active()).isFalse();
        assertThat(onAQuietDay.anomaly().orElseThrow().unscored())
                .contains("a quiet date: 2026-11-18 is left out of anomaly checks");
    }

    @Test
    void fewerThanThreeWeeksOfHistoryFallsBackToTheSameHourOfTheLastFourteenDays() {
        Instant first = WEDNESDAY_2PM.minus(Duration.ofDays(16));
        Map<Instant, Long> hours = new HashMap<>(flat(100_000, Map.of(WEDNESDAY_2PM, 400_000L)));
        hours.keySet().removeIf(first::isAfter);

        Finding f = evaluate(Seasonal.rule(List.of("k1"), anomaly("10000"), Set.of()), CHECK, s -> hours);

        assertThat(f.active()).isTrue();
        assertThat(f.anomaly().orElseThrow().basis()).isEqualTo(AnomalyScore.Basis.HOUR_OF_DAY);
        assertThat(f.anomaly().orElseThrow().samples()).isEqualTo(14);
    }

    @Test
    void eachKeyIsItsOwnGroupWithItsModelsAsContributorsAndTheExcessPriced() {
        RuleConfig rule = new RuleConfig("spikes", "0 */5 * * * ?", budgetbot.config.Selection.of(List.of("k1", "k2")),
                budgetbot.config.Selection.of(List.of("m", "free")), budgetbot.config.GroupBy.KEY, List.of(),
                List.of(), List.of("ops"), Optional.empty(), Duration.ofMinutes(30), List.of(anomaly("10000")), Set.of());
        Map<Series, Map<Instant, Long>> bySeries = Map.of(
                new Series("k1", "m"), flat(100_000, Map.of(WEDNESDAY_2PM, 1_000_000L)),
                new Series("k1", "free"), flat(10_000, Map.of()),
                new Series("k2", "m"), flat(100_000, Map.of()),
                new Series("k2", "free"), flat(10_000, Map.of()));

        List<Finding> findings = EVALUATOR.evaluate(rule, CHECK, Seasonal.snapshot(EVALUATOR, rule, CHECK,
                bySeries::get));

        assertThat(findings).extracting(Finding::group, Finding::active)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("k1", true),
                        org.assertj.core.groups.Tuple.tuple("k2", false));
        Finding k1 = findings.get(0);
        assertThat(k1.used()).isEqualByComparingTo("1010000");
        assertThat(k1.condition()).isEqualTo("anomaly[0]:tokens/hour");
        assertThat(k1.contributors()).extracting(c -> c.series().model()).containsExactly("m", "free");
        assertThat(k1.anomaly().orElseThrow().excessCost()).as("a model without a price: no cost").isEmpty();

        RuleConfig priced = Seasonal.rule(List.of("k1"), anomaly("10000"), Set.of());
        Finding one = evaluate(priced, CHECK, s -> flat(100_000, Map.of(WEDNESDAY_2PM, 1_000_000L)));
        // 900k tokens above the usual at CNY 8 a million
        assertThat(one.anomaly().orElseThrow().excessCost()).hasValueSatisfying(c -> assertThat(c)
                .isEqualByComparingTo("7.2"));
    }

    @Test
    void aRunOfMoreThanADayCountsFromTheStartOfTheDayItReaches() {
        Map<Instant, Long> run = new HashMap<>();
        for (int h = 0; h < 30; h++) {
            run.put(WEDNESDAY_2PM.minus(Duration.ofHours(h)), 900_000L);
        }
        Finding f = evaluate(Seasonal.rule(List.of("k1"), anomaly("10000"), Set.of()), CHECK,
                s -> flat(100_000, run));

        assertThat(f.active()).isTrue();
        assertThat(f.level()).isEqualByComparingTo("2");
        assertThat(f.anomaly().orElseThrow().hours()).isEqualTo(AnomalyCheck.LOOKBACK_HOURS + 1);
        assertThat(f.window()).isEqualTo(new Window(t("2026-11-17T00:00:00+08:00"),
                WEDNESDAY_2PM.plus(Duration.ofHours(1))));
    }
}

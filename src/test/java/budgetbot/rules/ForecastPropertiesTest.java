package budgetbot.rules;

import budgetbot.config.Budget;
import budgetbot.config.GroupBy;
import budgetbot.config.Metric;
import budgetbot.config.ModelPrice;
import budgetbot.config.Prices;
import budgetbot.config.RuleConfig;
import budgetbot.testing.Seeded;
import budgetbot.time.PeriodCalendar;
import budgetbot.time.PeriodUnit;
import budgetbot.time.Window;
import budgetbot.usage.Series;
import budgetbot.usage.Usage;
import budgetbot.usage.UsageBucket;
import budgetbot.usage.UsageTotals;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static budgetbot.rules.Rules.budgetRule;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Forecasts never throw and never contradict their period, whatever the numbers; the cases are counted, so that the
 * properties are known to have been checked on forecasts that reach the limit and on ones that do not.
 */
class ForecastPropertiesTest {
    private static final Series SERIES = new Series("k1", "m1");
    private static final Prices PRICES = new Prices("CNY", Map.of("m1",
            new ModelPrice(new BigDecimal("4"), new BigDecimal("16"), new BigDecimal("0.1"))));

    @Test
    void hugeLimitsTinyRatesAndEveryMagnitudeInBetweenGiveAForecastOrNone() {
        PeriodCalendar calendar = PeriodCalendar.of(ZoneId.of("Asia/Shanghai"));
        Evaluator evaluator = new Evaluator(calendar, PRICES);
        int[] reaching = new int[1];
        int[] notReaching = new int[1];
        Seeded.cases(3000, g -> {
            PeriodUnit unit = g.oneOf(PeriodUnit.values());
            Metric metric = g.oneOf(Metric.TOKENS, Metric.COST, Metric.REQUESTS);
            BigDecimal limit = g.chance(0.5) ? BigDecimal.TEN.pow(g.between(0, 40))
                    : new BigDecimal(g.between(1L, 1_000_000L)).movePointLeft(g.between(0, 6));
            Budget budget = new Budget(metric, unit, limit, List.of(new BigDecimal("0.8"), BigDecimal.ONE), true,
                    new BigDecimal(g.between(0, 100)).movePointLeft(2));
            RuleConfig rule = budgetRule(GroupBy.SERIES, List.of("k1"), List.of("m1"), budget);
            Instant at = Instant.ofEpochSecond(g.between(1_767_225_600L, 1_830_297_600L));
            Window soFar = calendar.soFar(unit, at);
            long perHour = g.chance(0.2) ? 0 : g.between(0L, g.oneOf(1L, 1_000L, 1_000_000_000L, Long.MAX_VALUE / 100_000));
            List<UsageBucket> buckets = new ArrayList<>();
            UsageTotals total = UsageTotals.ZERO;
            for (Instant h = soFar.start(); h.isBefore(at) && buckets.size() < 800; h = h.plus(Duration.ofHours(1))) {
                UsageTotals t = new UsageTotals(perHour / 2, perHour / 2, perHour, perHour / 1000, 0);
                buckets.add(new UsageBucket(h, t, Map.of()));
                total = total.plus(t);
            }
            Map<Window, Map<Series, Usage>> byWindow = new HashMap<>();
            for (Window w : evaluator.windows(rule, at)) {
                byWindow.put(w, Map.of(SERIES, new Usage(SERIES, w, total, buckets)));
            }

            List<Finding> findings = evaluator.evaluate(rule, at, new UsageSnapshot(byWindow));

            findings.stream().flatMap(f -> f.forecast().stream()).forEach(p -> {
                assertThat(p.total()).as("%s %s limit %s at %s", unit, metric, limit, at).isNotNull();
                // ahead of `at` while under the limit, when it was crossed once over it: within the period either way
                p.limitReachedAt().ifPresent(t -> assertThat(t).as("reached within the period")
                        .isAfterOrEqualTo(calendar.periodOf(unit, at).start()).isBefore(calendar.periodOf(unit, at).end()));
                (p.limitReachedAt().isPresent() ? reaching : notReaching)[0]++;
            });
        });
        assertThat(reaching[0]).as("forecasts that reach the limit within the period").isGreaterThan(200);
        assertThat(notReaching[0]).as("forecasts that do not").isGreaterThan(200);
    }
}

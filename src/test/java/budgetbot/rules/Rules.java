package budgetbot.rules;

import budgetbot.config.Budget;
import budgetbot.config.GroupBy;
import budgetbot.config.Growth;
import budgetbot.config.Metric;
import budgetbot.config.RuleConfig;
import budgetbot.config.Selection;
import budgetbot.time.PeriodUnit;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** Rules for tests, with only the parts evaluation looks at filled in. */
final class Rules {
    private Rules() {
    }

    static RuleConfig rule(GroupBy groupBy, List<String> keys, List<String> models, List<Budget> budgets,
                           List<Growth> growth) {
        return new RuleConfig("r", "0 */5 * * * ?", Selection.of(keys), Selection.of(models), groupBy, budgets, growth,
                List.of("ops"), Optional.empty(), Duration.ofMinutes(30));
    }

    static RuleConfig budgetRule(GroupBy groupBy, List<String> keys, List<String> models, Budget budget) {
        return rule(groupBy, keys, models, List.of(budget), List.of());
    }

    static Budget budget(Metric metric, PeriodUnit period, String limit, String... thresholds) {
        return new Budget(metric, period, new BigDecimal(limit),
                Arrays.stream(thresholds).map(BigDecimal::new).toList(), false, new BigDecimal("0.1"));
    }

    static Budget forecastBudget(PeriodUnit period, String limit, String forecastAfter) {
        return new Budget(Metric.TOKENS, period, new BigDecimal(limit), List.of(new BigDecimal("1.0")), true,
                new BigDecimal(forecastAfter));
    }

    static Growth growth(PeriodUnit period, String increase, String minBaseline) {
        return new Growth(Metric.TOKENS, period, new BigDecimal(increase), new BigDecimal(minBaseline));
    }
}

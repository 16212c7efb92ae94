package budgetbot.config;

import budgetbot.time.PeriodUnit;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A limit on a metric per calendar period.
 *
 * @param limit         the limit of every group, or of every group {@code limits} does not name
 * @param limits        the limits of named groups ({@code limit: {uminferapikey-a: 3M, "*": 1M}} with {@code groupBy:
 *                      key}); empty when one limit is for all
 * @param thresholds    fractions of the limit, ascending (0.8 = 80%)
 * @param forecastAfter fraction of the period that must have elapsed before forecasting (default 0.1)
 * @param action        what it does to the group's key in UCloud at a share of the limit, if anything
 */
public record Budget(Metric metric, PeriodUnit period, BigDecimal limit, Map<String, BigDecimal> limits,
                     List<BigDecimal> thresholds, boolean forecast, BigDecimal forecastAfter,
                     Optional<BudgetAction> action) {
    public Budget {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(metric, "metric");
        Objects.requireNonNull(period, "period");
        Objects.requireNonNull(limit, "limit");
        limits = Map.copyOf(limits);
        Objects.requireNonNull(forecastAfter, "forecastAfter");
        thresholds = thresholds.stream().sorted().toList();
    }

    /** A budget that only warns. */
    public Budget(Metric metric, PeriodUnit period, BigDecimal limit, Map<String, BigDecimal> limits,
                  List<BigDecimal> thresholds, boolean forecast, BigDecimal forecastAfter) {
        this(metric, period, limit, limits, thresholds, forecast, forecastAfter, Optional.empty());
    }

    /** One limit for every group. */
    public Budget(Metric metric, PeriodUnit period, BigDecimal limit, List<BigDecimal> thresholds, boolean forecast,
                  BigDecimal forecastAfter) {
        this(metric, period, limit, Map.of(), thresholds, forecast, forecastAfter);
    }

    /** The limit of {@code group}: its own when the budget names it, else the one for the rest. */
    public BigDecimal limitFor(String group) {
        return limits.getOrDefault(group, limit);
    }
}

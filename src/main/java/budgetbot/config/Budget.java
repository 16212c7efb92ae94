package budgetbot.config;

import budgetbot.time.PeriodUnit;

import java.math.BigDecimal;
import java.util.List;
import java.util.Objects;

/**
 * A limit on a metric per calendar period.
 *
 * @param thresholds    fractions of the limit, ascending (0.8 = 80%)
 * @param forecastAfter fraction of the period that must have elapsed before forecasting (default 0.1)
 */
public record Budget(Metric metric, PeriodUnit period, BigDecimal limit, List<BigDecimal> thresholds,
                     boolean forecast, BigDecimal forecastAfter) {
    public Budget {
        Objects.requireNonNull(metric, "metric");
        Objects.requireNonNull(period, "period");
        Objects.requireNonNull(limit, "limit");
        Objects.requireNonNull(forecastAfter, "forecastAfter");
        thresholds = thresholds.stream().sorted().toList();
    }
}

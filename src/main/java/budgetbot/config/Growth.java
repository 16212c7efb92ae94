package budgetbot.config;

import budgetbot.time.PeriodUnit;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * Period-over-period growth: this period so far vs the same elapsed span of the previous period.
 *
 * @param increase    fraction (1.0 = +100%, usage doubled)
 * @param minBaseline the previous span must be at least this much for the rule to fire
 */
public record Growth(Metric metric, PeriodUnit period, BigDecimal increase, BigDecimal minBaseline) {
    public Growth {
        Objects.requireNonNull(metric, "metric");
        Objects.requireNonNull(period, "period");
        Objects.requireNonNull(increase, "increase");
        Objects.requireNonNull(minBaseline, "minBaseline");
    }
}

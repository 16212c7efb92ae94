package budgetbot.rules;

import budgetbot.config.Metric;
import budgetbot.config.Prices;
import budgetbot.usage.Series;
import budgetbot.usage.UsageTotals;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Objects;

/**
 * A metric as valued for one series: counts exactly, cost at the series' own model price.
 * Cost keeps {@value #COST_SCALE} decimals, enough for sub-cent amounts of a single cheap request.
 */
record Measure(Metric metric, Prices prices) {
    static final int COST_SCALE = 6;

    Measure {
        Objects.requireNonNull(metric, "metric");
        Objects.requireNonNull(prices, "prices");
    }

    BigDecimal of(Series series, UsageTotals totals) {
        return round(Metrics.value(metric, totals, prices.of(series.model())));
    }

    /** Brings a derived value (a projection) to the metric's scale: whole counts, or cost decimals. */
    BigDecimal round(BigDecimal value) {
        return value.setScale(metric == Metric.COST ? COST_SCALE : 0, RoundingMode.HALF_UP);
    }
}

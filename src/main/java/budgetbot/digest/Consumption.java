package budgetbot.digest;

import budgetbot.config.Metric;
import budgetbot.config.ModelPrice;
import budgetbot.rules.Metrics;
import budgetbot.usage.UsageTotals;

import java.math.BigDecimal;
import java.util.Collection;
import java.util.Objects;
import java.util.Optional;

/**
 * Usage counts over some span with their cost.
 *
 * @param cost empty when none of the usage's models has a price
 */
public record Consumption(UsageTotals totals, Optional<BigDecimal> cost) {
    public static final Consumption NONE = new Consumption(UsageTotals.ZERO, Optional.empty());

    public Consumption {
        Objects.requireNonNull(totals, "totals");
        Objects.requireNonNull(cost, "cost");
    }

    public static Consumption of(UsageTotals totals, Optional<ModelPrice> price) {
        return new Consumption(totals, price.map(p -> Metrics.cost(totals, p)));
    }

    /** The sum; its cost is present when any part's is (unpriced parts count as no cost). */
    public static Consumption sum(Collection<Consumption> parts) {
        return parts.stream().reduce(NONE, Consumption::plus);
    }

    public Consumption plus(Consumption o) {
        Optional<BigDecimal> c = cost.isEmpty() ? o.cost
                : Optional.of(cost.get().add(o.cost.orElse(BigDecimal.ZERO)));
        return new Consumption(totals.plus(o.totals), c);
    }

    /** The value of a metric; cost counts as zero when unpriced. */
    public BigDecimal value(Metric metric) {
        return metric == Metric.COST ? cost.orElse(BigDecimal.ZERO) : Metrics.value(metric, totals, Optional.empty());
    }
}

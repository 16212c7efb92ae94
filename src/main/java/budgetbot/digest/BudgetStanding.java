package budgetbot.digest;

import budgetbot.config.Metric;
import budgetbot.rules.Projection;
import budgetbot.time.PeriodUnit;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Where one budget of a rule stands for one of its groups.
 *
 * @param group      the budget group as findings name it ({@code all}, a key id, a model, {@code key x model})
 * @param reportUsed usage in the report window; present when the budget's period is the digest's
 * @param currentUsed usage in the budget's current period so far
 * @param forecast   the evaluator's projection for the current period, when it made one
 */
public record BudgetStanding(Metric metric, PeriodUnit period, BigDecimal limit, String group,
                             Optional<BigDecimal> reportUsed, Optional<BigDecimal> currentUsed,
                             Optional<Projection> forecast) {
    public BudgetStanding {
        Objects.requireNonNull(metric, "metric");
        Objects.requireNonNull(period, "period");
        Objects.requireNonNull(limit, "limit");
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(reportUsed, "reportUsed");
        Objects.requireNonNull(currentUsed, "currentUsed");
        Objects.requireNonNull(forecast, "forecast");
    }

    /** {@code used} as a fraction of the limit (1 = all used); empty for a zero limit. */
    public Optional<BigDecimal> fraction(BigDecimal used) {
        return limit.signum() == 0 ? Optional.empty() : Optional.of(used.divide(limit, MathContext.DECIMAL64));
    }

    /** The larger of the report and current fractions, to put the tightest budgets first. */
    BigDecimal worst() {
        return Stream.of(reportUsed, currentUsed).flatMap(Optional::stream).map(this::fraction)
                .flatMap(Optional::stream).max(Comparator.naturalOrder()).orElse(BigDecimal.ZERO);
    }
}

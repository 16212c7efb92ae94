package budgetbot.rules;

import budgetbot.time.Window;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Objects;
import java.util.Optional;

/**
 * How one group's last complete hour compares with its usual value for that hour (see {@link AnomalyScorer}).
 *
 * @param hour       the hour scored
 * @param value      the metric's value in that hour
 * @param basis      what it was compared with; {@link Basis#NONE} when it was not scored ({@code unscored} says why)
 * @param samples    how many past hours the expected value is the median of
 * @param expected   the median of those hours (0 when not scored)
 * @param spread     their median absolute deviation from it (0 when not scored)
 * @param z          the modified z-score, {@code 0.6745 * (value - expected) / spread}; empty when the spread is 0
 * @param excessCost for a count metric, what the excess over the expected value cost, when every model has a price
 * @param hours      how many anomalous hours in a row end with this one (0 when it is not anomalous)
 * @param unscored   why the hour was not scored: too little history, or a quiet date
 */
public record AnomalyScore(Window hour, BigDecimal value, Basis basis, int samples, BigDecimal expected,
                           BigDecimal spread, Optional<BigDecimal> z, Optional<BigDecimal> excessCost, int hours,
                           Optional<String> unscored) {
    /** What an hour is compared with. */
    public enum Basis {
        /** The same hour of the week over the baseline weeks. */
        HOUR_OF_WEEK,
        /** The same hour of the day over the last 14 days: fewer than 3 weeks of history. */
        HOUR_OF_DAY,
        /** Not compared: {@link #unscored()} says why. */
        NONE
    }

    public AnomalyScore {
        Objects.requireNonNull(hour, "hour");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(basis, "basis");
        Objects.requireNonNull(expected, "expected");
        Objects.requireNonNull(spread, "spread");
        Objects.requireNonNull(z, "z");
        Objects.requireNonNull(excessCost, "excessCost");
        Objects.requireNonNull(unscored, "unscored");
    }

    /** How far above the expected value the hour is (negative below it). */
    public BigDecimal excess() {
        return value.subtract(expected);
    }

    /** The hour as a multiple of the expected value; empty when that is 0. */
    public Optional<BigDecimal> ratio() {
        return expected.signum() == 0 ? Optional.empty()
                : Optional.of(value.divide(expected, MathContext.DECIMAL64));
    }
}

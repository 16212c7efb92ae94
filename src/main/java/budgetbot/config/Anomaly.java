package budgetbot.config;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * An hour that is unusual for its hour of the week: the last complete hour against the same hour of the week over
 * the baseline weeks (median and MAD), see {@code rules.AnomalyScorer}.
 *
 * @param minExcess     the least excess over the expected value worth an alert, in the metric's unit
 * @param sensitivity   the modified z-score an hour must reach
 * @param minRatio      the least multiple of the expected value
 * @param baselineWeeks how many weeks back the same hour of the week is looked up
 */
public record Anomaly(Metric metric, BigDecimal minExcess, BigDecimal sensitivity, BigDecimal minRatio,
                      int baselineWeeks) {
    public static final BigDecimal DEFAULT_SENSITIVITY = new BigDecimal("3.5");
    public static final BigDecimal DEFAULT_MIN_RATIO = new BigDecimal("1.5");
    public static final int DEFAULT_BASELINE_WEEKS = 4;
    public static final int MIN_BASELINE_WEEKS = 3;
    public static final int MAX_BASELINE_WEEKS = 12;

    public Anomaly {
        Objects.requireNonNull(metric, "metric");
        Objects.requireNonNull(minExcess, "minExcess");
        Objects.requireNonNull(sensitivity, "sensitivity");
        Objects.requireNonNull(minRatio, "minRatio");
        if (baselineWeeks < MIN_BASELINE_WEEKS || baselineWeeks > MAX_BASELINE_WEEKS) {
            throw new IllegalArgumentException("baseline must be 3..12 weeks: " + baselineWeeks);
        }
    }
}

package budgetbot.rules;

import budgetbot.config.Metric;
import budgetbot.time.PeriodUnit;
import budgetbot.time.Window;

import java.math.BigDecimal;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The state of one condition of one rule for one group, as of a moment. Evaluation returns one per
 * (condition, group) whether it holds or not, so that state can escalate, remind and resolve.
 *
 * @param condition stable id of the condition within its rule, e.g. {@code budget[0]:tokens/day},
 *                  {@code budget[0]:tokens/day:forecast}, {@code growth[0]:tokens/day}, {@code anomaly[0]:tokens/hour}
 * @param group     what the group is: {@code all}, a key id, a model name, or {@code key x model}
 * @param window    the whole current period; its start identifies the period
 * @param active    whether the condition holds as of the evaluation time
 * @param level     BUDGET: highest threshold reached as a fraction (0.8), 0 if none;
 *                  FORECAST and GROWTH: 1 when active, 0 when not;
 *                  ANOMALY: 1 for one anomalous hour, 2 for two or more in a row (which escalates), 0 when not
 * @param used      the metric's value in the period so far; ANOMALY: in the last complete hour
 * @param limit     BUDGET and FORECAST: the budget's limit
 * @param baseline  GROWTH: the value in the same elapsed span of the previous period; ANOMALY: the expected value
 * @param increase  GROWTH and ANOMALY: relative change vs baseline (1.0 = +100%); empty when the baseline is 0
 * @param forecast  BUDGET and FORECAST with {@code forecast: true}, once enough of the period has elapsed
 * @param contributors the series behind {@code used}, largest first (at most 5)
 * @param keys      the group's keys
 * @param models    the group's models
 * @param anomaly   ANOMALY: how the last complete hour compares with its usual value; the window is the anomalous
 *                  run of hours up to it (its start identifies the alert), or that hour alone when it is not anomalous
 */
public record Finding(String rule, Kind kind, String condition, String group, Metric metric, PeriodUnit period,
                      Window window, boolean active, BigDecimal level, BigDecimal used, Optional<BigDecimal> limit,
                      Optional<BigDecimal> baseline, Optional<BigDecimal> increase, Optional<Projection> forecast,
                      List<Contributor> contributors, List<String> keys, List<String> models,
                      Optional<AnomalyScore> anomaly) {
    public Finding {
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(condition, "condition");
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(used, "used");
        contributors = List.copyOf(contributors);
        keys = List.copyOf(keys);
        models = List.copyOf(models);
        Objects.requireNonNull(anomaly, "anomaly");
    }

    /** A finding of a budget, forecast or growth check. */
    public Finding(String rule, Kind kind, String condition, String group, Metric metric, PeriodUnit period,
                   Window window, boolean active, BigDecimal level, BigDecimal used, Optional<BigDecimal> limit,
                   Optional<BigDecimal> baseline, Optional<BigDecimal> increase, Optional<Projection> forecast,
                   List<Contributor> contributors, List<String> keys, List<String> models) {
        this(rule, kind, condition, group, metric, period, window, active, level, used, limit, baseline, increase,
                forecast, contributors, keys, models, Optional.empty());
    }

    /** Identifies the alert across runs: the same condition of the same group in the same period. */
    public String fingerprint() {
        return rule + "|" + condition + "|" + group + "|" + window.start();
    }
}

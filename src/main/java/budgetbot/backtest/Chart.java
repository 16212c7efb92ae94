package budgetbot.backtest;

import budgetbot.config.Metric;
import budgetbot.time.PeriodUnit;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What one condition of a rule used at each step of a backtest (the period so far, so a line falls back at each new
 * period), for the groups that came closest to it, with its limit and thresholds when it is a budget.
 *
 * @param times the steps drawn: every step, or the first of each run of steps drawn as one point
 * @param lines one per group; each point is the highest value over the steps it stands for
 */
public record Chart(String condition, Metric metric, PeriodUnit period, Optional<BigDecimal> limit,
                    List<BigDecimal> thresholds, List<Instant> times, List<Line> lines) {
    public Chart {
        Objects.requireNonNull(condition, "condition");
        Objects.requireNonNull(metric, "metric");
        Objects.requireNonNull(period, "period");
        Objects.requireNonNull(limit, "limit");
        thresholds = List.copyOf(thresholds);
        times = List.copyOf(times);
        lines = List.copyOf(lines);
    }

    /** One group's values, one per time. */
    public record Line(String group, List<BigDecimal> values) {
        public Line {
            Objects.requireNonNull(group, "group");
            values = List.copyOf(values);
        }
    }
}

package budgetbot.rules;

import budgetbot.config.Budget;
import budgetbot.time.Window;
import budgetbot.usage.Usage;
import budgetbot.usage.UsageBucket;
import budgetbot.usage.UsageTotals;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Projects a group's total at the end of a period from its recent rate (method and reasons: docs/rules.md, "Forecasts").
 *
 * <p>The rate is the group's {@linkplain Rate#recentSpan recent rate}. A group with a series whose buckets do not
 * account for the metric is projected from its average rate since the period start.
 */
final class Forecaster {
    /** UCloud's buckets are hourly (their width is not documented; the recent rate assumes the same). */
    private static final Duration BUCKET = Duration.ofHours(1);

    private Forecaster() {
    }

    /**
     * @param group the group whose limit it is
     * @param soFar the group's usage of the period so far, one per series
     * @return empty while less than {@code budget.forecastAfter()} of the period has elapsed
     */
    static Optional<Projection> project(Budget budget, String group, Window period, Instant at, List<Usage> soFar,
                                        BigDecimal used, Measure measure) {
        BigDecimal limit = budget.limitFor(group);
        Duration elapsed = Duration.between(period.start(), at);
        if (elapsed.isZero() || fraction(elapsed, period.length()).compareTo(budget.forecastAfter()) < 0) {
            return Optional.empty();
        }
        boolean hourly = soFar.stream().allMatch(u -> hasBuckets(u, measure));
        Rate rate = hourly ? recent(period, at, soFar, measure)
                : new Rate(used, elapsed, "average rate since the period start (no hourly data)");
        BigDecimal total = measure.round(used.add(rate.over(Duration.between(at, period.end()))));
        Optional<Instant> reachedAt;
        if (used.compareTo(limit) >= 0) {
            reachedAt = hourly ? crossed(limit, period, at, soFar, measure) : Optional.empty();
        } else {
            reachedAt = rate.timeToAdd(limit.subtract(used), Duration.between(at, period.end()))
                    .map(at::plus);
        }
        return Optional.of(new Projection(total, reachedAt, rate.method()));
    }

    /**
     * When the running total of the period reached {@code limit}: in the hourly bucket that took it there, as
     * far into the hour as the bucket's usage had to go (usage spread evenly over the hour). Empty when the
     * buckets do not add up to the limit (the source's totals said more than its buckets).
     */
    private static Optional<Instant> crossed(BigDecimal limit, Window period, Instant at, List<Usage> soFar,
                                             Measure measure) {
        TreeMap<Instant, BigDecimal> perHour = new TreeMap<>();
        for (Usage u : soFar) {
            u.buckets().stream().filter(b -> period.contains(b.timestamp()) && b.timestamp().isBefore(at))
                    .forEach(b -> perHour.merge(b.timestamp(), measure.of(u.series(), b.totals()), BigDecimal::add));
        }
        BigDecimal before = BigDecimal.ZERO;
        for (Map.Entry<Instant, BigDecimal> hour : perHour.entrySet()) {
            BigDecimal after = before.add(hour.getValue());
            if (hour.getValue().signum() > 0 && after.compareTo(limit) >= 0) {
                Instant start = hour.getKey();
                Instant end = start.plus(BUCKET).isBefore(at) ? start.plus(BUCKET) : at;
                BigDecimal part = limit.subtract(before).max(BigDecimal.ZERO)
                        .divide(hour.getValue(), MathContext.DECIMAL64);
                long millis = part.multiply(BigDecimal.valueOf(Duration.between(start, end).toMillis()))
                        .setScale(0, RoundingMode.CEILING).longValueExact();
                return Optional.of(start.plusMillis(millis));
            }
            before = after;
        }
        return Optional.empty();
    }

    private static BigDecimal fraction(Duration part, Duration whole) {
        return BigDecimal.valueOf(part.toMillis()).divide(BigDecimal.valueOf(whole.toMillis()), MathContext.DECIMAL64);
    }

    /** Whether the buckets account for the metric: missing buckets, or buckets without requests or images, don't. */
    static boolean hasBuckets(Usage u, Measure measure) {
        return measure.of(u.series(), u.totals()).signum() == 0
                || measure.of(u.series(), sum(u.buckets(), u.window())).signum() > 0;
    }

    private static Rate recent(Window period, Instant at, List<Usage> soFar, Measure measure) {
        Window recent = Rate.recentSpan(period, at);
        BigDecimal amount = soFar.stream()
                .map(u -> measure.of(u.series(), sum(u.buckets(), recent)))
                .reduce(BigDecimal.ZERO, BigDecimal::add);
        return new Rate(amount, recent.length(), Rate.recentMethod(recent));
    }

    static UsageTotals sum(List<UsageBucket> buckets, Window within) {
        return buckets.stream()
                .filter(b -> within.contains(b.timestamp()))
                .map(UsageBucket::totals)
                .reduce(UsageTotals.ZERO, UsageTotals::plus);
    }

}

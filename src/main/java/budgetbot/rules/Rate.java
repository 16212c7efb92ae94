package budgetbot.rules;

import budgetbot.time.Durations;
import budgetbot.time.Window;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * Usage of {@code amount} per {@code span}: how fast a budget's group (a forecast) or a key (its quota) goes.
 *
 * @param method how it was measured, in words an alert shows
 */
record Rate(BigDecimal amount, Duration span, String method) {
    private static final Duration MIN_RECENT = Duration.ofHours(1);
    private static final int RECENT_PARTS = 4;
    private static final String RECENT = "recent rate over the last ";

    /**
     * The span a recent rate is measured over: the last quarter of the period's elapsed time, at least an hour,
     * from a whole hour (so that it holds whole hourly buckets). It reacts to a burst within hours, unlike the
     * average since the period start, while it grows with the period: a month looks at days of usage (nights and
     * weekends included), a day at hours.
     */
    static Window recentSpan(Window period, Instant at) {
        Duration elapsed = Duration.between(period.start(), at);
        Duration quarter = elapsed.dividedBy(RECENT_PARTS);
        Instant from = at.minus(quarter.compareTo(MIN_RECENT) >= 0 ? quarter : MIN_RECENT)
                .truncatedTo(ChronoUnit.HOURS);
        return new Window(from.isBefore(period.start()) ? period.start() : from, at);
    }

    /** "recent rate over the last 3h": what {@code render} recognizes as a recent rate. */
    static String recentMethod(Window span) {
        return RECENT + Durations.human(span.length());
    }

    BigDecimal over(Duration d) {
        return amount.multiply(BigDecimal.valueOf(d.toMillis()))
                .divide(BigDecimal.valueOf(span.toMillis()), MathContext.DECIMAL64);
    }

    /**
     * How long until {@code more} has been used, rounded up to a second; empty if never, already, or not
     * within {@code left} (a huge limit against a small rate is not a time to compute).
     */
    Optional<Duration> timeToAdd(BigDecimal more, Duration left) {
        if (more.signum() <= 0 || amount.signum() <= 0) {
            return Optional.empty();
        }
        BigDecimal seconds = more.multiply(BigDecimal.valueOf(span.toMillis()))
                .divide(amount.multiply(BigDecimal.valueOf(1000)), 0, RoundingMode.CEILING);
        return seconds.compareTo(BigDecimal.valueOf(left.getSeconds())) < 0
                ? Optional.of(Duration.ofSeconds(seconds.longValueExact()))
                : Optional.empty();
    }
}

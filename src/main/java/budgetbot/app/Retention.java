package budgetbot.app;

import budgetbot.config.BotConfig;
import budgetbot.config.Budget;
import budgetbot.config.DigestConfig;
import budgetbot.config.Growth;
import budgetbot.rules.Evaluator;
import budgetbot.time.PeriodUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Keeps the state database from growing for ever: what was delivered and logged longer ago than
 * {@code state.retention} is forgotten, except dedup keys a digest's once-per-period still needs; and settled days
 * of the usage cache that no rule or digest reads any more (the current and the previous of its longest period)
 * are forgotten {@code state.retention} after that.
 */
public final class Retention {
    private static final Logger log = LoggerFactory.getLogger(Retention.class);

    private Retention() {
    }

    /**
     * How far back a check or digest reads usage: two of the longest period any rule or digest uses (the current one
     * and the previous, which growth and digests compare with), and a day for where it starts; or, when longer, the
     * weeks an anomaly check reads.
     */
    static Duration lookback(BotConfig config) {
        Stream<PeriodUnit> periods = Stream.concat(config.rules().stream().flatMap(r -> Stream.concat(
                        r.budgets().stream().map(Budget::period), r.growth().stream().map(Growth::period))),
                config.digests().stream().map(DigestConfig::period));
        Duration longest = periods.map(Retention::length).max(Duration::compareTo).orElse(Duration.ofDays(1));
        Duration anomalies = config.rules().stream().map(Evaluator::anomalyLookback).max(Duration::compareTo)
                .orElse(Duration.ZERO);
        Duration periodic = longest.multipliedBy(2).plusDays(1);
        return anomalies.compareTo(periodic) > 0 ? anomalies : periodic;
    }

    private static Duration length(PeriodUnit unit) {
        return switch (unit) {
            case HOUR, DAY -> Duration.ofDays(1);
            case WEEK -> Duration.ofDays(7);
            case MONTH -> Duration.ofDays(31);
        };
    }

    /** Purges now; returns a summary line. */
    public static String purge(App app) {
        Instant now = app.clock().instant();
        Instant before = now.minus(app.config().state().retention());
        int deliveries = app.outbox().purge(before, now);
        int events = app.store().purgeBefore(before);
        Instant unread = now.minus(lookback(app.config())).minus(app.config().state().retention());
        int days = app.usageCache().clear(Optional.empty(), Optional.of(unread));
        String summary = "retention: forgot " + deliveries + " delivered notifications and " + events
                + " alert log entries from before " + before + ", and " + days + " days of the usage cache that ended"
                + " before " + unread;
        log.info(summary);
        return summary;
    }
}

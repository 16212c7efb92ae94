package budgetbot.app;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;

/**
 * Keeps the state database from growing for ever: what was delivered and logged longer ago than
 * {@code state.retention} is forgotten, except dedup keys a digest's once-per-period still needs.
 */
public final class Retention {
    private static final Logger log = LoggerFactory.getLogger(Retention.class);

    private Retention() {
    }

    /** Purges now; returns a summary line. */
    public static String purge(App app) {
        Instant now = app.clock().instant();
        Instant before = now.minus(app.config().state().retention());
        int deliveries = app.outbox().purge(before, now);
        int events = app.store().purgeBefore(before);
        String summary = "retention: forgot " + deliveries + " delivered notifications and " + events
                + " alert log entries from before " + before;
        log.info(summary);
        return summary;
    }
}

package budgetbot.state;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Queues an announcement for delivery inside the transaction that records it, so that the alert state and the
 * queued message are committed together or not at all. The delivery stage implements it; state knows nothing
 * of messages or channels beyond their names.
 *
 * @param <E> what is announced: an {@link AlertEvent} or a {@link Notice}
 */
@FunctionalInterface
public interface Announcer<E> {
    /**
     * @param c        the transaction's connection
     * @param dedupKey names this announcement; two instances deciding the same transition produce the same key
     * @return false when an announcement with this key was queued already (it is not queued again)
     */
    boolean queue(Connection c, String dedupKey, String channel, E event) throws SQLException;
}

package budgetbot.notify;

import java.util.List;

/** A transport for one configured channel. Closing it releases its connections and threads. */
public interface Notifier extends AutoCloseable {
    /**
     * Sends one message, once, without retrying itself (the outbox retries).
     *
     * @throws DeliveryException when it was not delivered; says whether a retry may help
     */
    void send(Message message) throws DeliveryException;

    /** What the platform allows this channel; the dispatcher never sends faster. None: as fast as it answers. */
    default List<RateLimit> rateLimits() {
        return List.of();
    }

    /** Releases what the transport holds; most hold nothing. */
    @Override
    default void close() {
    }
}

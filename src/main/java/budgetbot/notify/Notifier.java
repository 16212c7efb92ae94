package budgetbot.notify;

/** A transport for one configured channel. */
public interface Notifier {
    /**
     * Sends one message, once, without retrying itself (the outbox retries).
     *
     * @throws DeliveryException when it was not delivered; says whether a retry may help
     */
    void send(Message message) throws DeliveryException;
}

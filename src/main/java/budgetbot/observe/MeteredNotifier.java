package budgetbot.observe;

import budgetbot.notify.DeliveryException;
import budgetbot.notify.Message;
import budgetbot.notify.Notifier;
import budgetbot.notify.RateLimit;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.List;

/** A channel's notifier whose sends are counted as sent or failed; every attempt counts, retries too. */
final class MeteredNotifier implements Notifier {
    private final Notifier notifier;
    private final Counter sent;
    private final Counter failed;

    MeteredNotifier(String channel, Notifier notifier, MeterRegistry registry) {
        this.notifier = notifier;
        this.sent = Counter.builder("budgetbot.notifications.sent").description("Notifications delivered")
                .tag("channel", channel).register(registry);
        this.failed = Counter.builder("budgetbot.notifications.failed").description("Delivery attempts that "
                + "failed (each is retried)").tag("channel", channel).register(registry);
    }

    @Override
    public void send(Message message) throws DeliveryException {
        try {
            notifier.send(message);
        } catch (DeliveryException | RuntimeException e) {
            failed.increment();
            throw e;
        }
        sent.increment();
    }

    @Override
    public List<RateLimit> rateLimits() {
        return notifier.rateLimits();
    }

    @Override
    public void close() {
        notifier.close();
    }
}

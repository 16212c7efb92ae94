package budgetbot.testing;

import budgetbot.config.Secret;
import budgetbot.config.StateConfig;
import budgetbot.delivery.Dispatcher;
import budgetbot.delivery.DrainResult;
import budgetbot.delivery.Outbox;
import budgetbot.delivery.OutboxEntry;
import budgetbot.notify.Message;
import budgetbot.notify.Notifier;
import budgetbot.state.StateStore;
import budgetbot.time.Jitter;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One channel's real notifier driven through the real outbox and dispatcher (H2 in a temporary folder) on a clock
 * the test moves: what a fault of the channel's server does to a delivery. Fault-matrix tests use it.
 */
public final class DeliveryProbe implements AutoCloseable {
    public static final Instant T0 = Instant.parse("2026-11-27T02:00:00Z");
    private static final Message MESSAGE = new Message("alert", "[budgetbot] probe: 80% of daily budget",
            "probe text", "probe text", "<p>probe html</p>", "[]", List.of());

    private final StateStore store;
    private final Outbox outbox;
    private final Dispatcher dispatcher;
    private final MutableClock clock = new MutableClock(T0);
    private final Notifier notifier;
    private final AtomicInteger sends = new AtomicInteger();
    private final List<Duration> waited = new ArrayList<>();
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

    /**
     * What the first drain did with the message.
     *
     * @param sends      how often the notifier was called (a short Retry-After is waited out on the spot)
     * @param waited     the pauses the dispatcher took between those calls
     * @param nextIn     when it is tried again, counted from the drain; empty once delivered
     * @param error      the error recorded with the entry
     * @param logged     the level the dispatcher logged a failure at
     */
    public record Attempt(int sends, List<Duration> waited, Optional<Duration> nextIn, Optional<String> error,
                          Optional<Level> logged) {
        public boolean delivered() {
            return nextIn.isEmpty();
        }
    }

    private DeliveryProbe(StateStore store, String channel, Notifier notifier) {
        this.store = store;
        this.notifier = notifier;
        this.outbox = new Outbox(store);
        Notifier counting = m -> {
            sends.incrementAndGet();
            notifier.send(m);
        };
        this.dispatcher = new Dispatcher(outbox, Map.of(channel, counting), clock, waited::add, Jitter.NONE);
        outbox.enqueue("probe", channel, MESSAGE, T0);
        logs.start();
        dispatcherLog().addAppender(logs);
    }

    /** A probe for the notifier of {@code channel}, with its state under {@code dir}; it closes the notifier. */
    public static DeliveryProbe open(Path dir, String channel, Notifier notifier) {
        StateStore store = StateStore.open(new StateConfig("jdbc:h2:file:" + dir.resolve("probe/state").toAbsolutePath(),
                "", new Secret(""), false, java.time.Duration.ofDays(90)));
        return new DeliveryProbe(store, channel, notifier);
    }

    /** Drains once at {@link #T0}, when the queued message is due. */
    public Attempt firstAttempt() {
        DrainResult r = dispatcher.drain();
        assertThat(r.sent() + r.failed()).as("the probe's one message was tried").isEqualTo(1);
        List<OutboxEntry> pending = outbox.pending();
        Optional<Level> level;
        synchronized (logs) {
            level = logs.list.stream().map(ILoggingEvent::getLevel).filter(l -> l.isGreaterOrEqual(Level.WARN))
                    .reduce((a, b) -> b);
        }
        return new Attempt(sends.get(), List.copyOf(waited),
                pending.stream().findFirst().map(e -> Duration.between(T0, e.nextAttempt())),
                pending.stream().findFirst().flatMap(OutboxEntry::lastError), level);
    }

    /** Drains at {@code T0 + elapsed}; returns how often the notifier has been called in all. */
    public int sendsBy(Duration elapsed) {
        clock.set(T0.plus(elapsed));
        dispatcher.drain();
        return sends.get();
    }

    /** Asserts that after the first attempt nothing is sent before {@code delay} has passed, and it is sent then. */
    public void assertTriedAgainOnlyAfter(Duration delay) {
        int first = sends.get();
        assertThat(sendsBy(delay.minusSeconds(1))).as("sends before %s", delay).isEqualTo(first);
        assertThat(sendsBy(delay)).as("sends at %s", delay).isGreaterThan(first);
    }

    @Override
    public void close() {
        dispatcherLog().detachAppender(logs);
        try {
            notifier.close();
        } finally {
            store.close();
        }
    }

    private static Logger dispatcherLog() {
        return (Logger) LoggerFactory.getLogger(Dispatcher.class);
    }
}

package budgetbot.app;

import budgetbot.config.BotConfig;
import budgetbot.notify.Notifier;
import budgetbot.notify.Notifiers;
import budgetbot.rules.Evaluator;
import budgetbot.state.Dispatcher;
import budgetbot.state.StateStore;
import budgetbot.ucloud.UCloudClient;
import budgetbot.usage.UsageSource;

import java.time.Clock;
import java.util.Map;

/**
 * budgetbot put together for one configuration: the usage source, the state database, the channels and the
 * outbox dispatcher. Commands and scheduled jobs use one of these; nothing here runs by itself.
 */
public final class App implements AutoCloseable {
    private final BotConfig config;
    private final StateStore store;
    private final UsageSource source;
    private final UsageFetcher fetcher;
    private final Evaluator evaluator;
    private final Dispatcher dispatcher;
    private final Clock clock;

    private App(BotConfig config, UsageSource source, StateStore store, Map<String, Notifier> notifiers, Clock clock) {
        this.config = config;
        this.store = store;
        this.source = source;
        this.clock = clock;
        this.fetcher = new UsageFetcher(source, config.ucloud().parallelism());
        this.evaluator = new Evaluator(config.calendar(), config.prices());
        this.dispatcher = new Dispatcher(store, notifiers, clock);
    }

    /** Talks to UCloud and the configured channels for real. */
    public static App open(BotConfig config, Clock clock) {
        return open(config, UCloudClient.create(config.ucloud(), config.calendar().zone()),
                Notifiers.create(config.channels()), clock);
    }

    /** With another usage source or transports: the demo, tests. The app closes the source when it is closeable. */
    public static App open(BotConfig config, UsageSource source, Map<String, Notifier> notifiers, Clock clock) {
        StateStore store;
        try {
            store = StateStore.open(config.state());
        } catch (RuntimeException e) {
            closeSource(source);
            throw e;
        }
        try {
            return new App(config, source, store, notifiers, clock);
        } catch (RuntimeException e) {
            store.close();
            closeSource(source);
            throw e;
        }
    }

    public BotConfig config() {
        return config;
    }

    public StateStore store() {
        return store;
    }

    public UsageFetcher fetcher() {
        return fetcher;
    }

    public Evaluator evaluator() {
        return evaluator;
    }

    public Dispatcher dispatcher() {
        return dispatcher;
    }

    public Clock clock() {
        return clock;
    }

    @Override
    public void close() {
        fetcher.close();
        try {
            closeSource(source);
        } finally {
            store.close();
        }
    }

    private static void closeSource(UsageSource source) {
        if (source instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                throw new IllegalStateException("closing the usage source failed: " + e.getMessage(), e);
            }
        }
    }
}

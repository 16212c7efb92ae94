package budgetbot.app;

import budgetbot.config.BotConfig;
import budgetbot.config.RuleConfig;
import budgetbot.delivery.Dispatcher;
import budgetbot.delivery.Outbox;
import budgetbot.fetch.FreshAnswers;
import budgetbot.fetch.HeldDays;
import budgetbot.fetch.OnceEach;
import budgetbot.fetch.SettledDays;
import budgetbot.fetch.SliceCache;
import budgetbot.fetch.UsageFetcher;
import budgetbot.notify.Notifier;
import budgetbot.observe.Telemetry;
import budgetbot.guard.Actions;
import budgetbot.render.ActionWords;
import budgetbot.render.KeyLabels;
import budgetbot.render.Words;
import budgetbot.rules.Evaluator;
import budgetbot.state.StateStore;
import budgetbot.ucloud.UCloudClient;
import budgetbot.usage.KeyDirectory;
import budgetbot.usage.KeyEditor;
import budgetbot.usage.UsageSource;
import org.quartz.CronExpression;

import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TimeZone;

/**
 * budgetbot put together for one configuration: the usage source, the key directory, the state database, the
 * channels and the outbox dispatcher. Commands and scheduled jobs use one of these; nothing here runs by itself.
 */
public final class App implements AutoCloseable {
    private final BotConfig config;
    private final StateStore store;
    private final UsageSource source;
    private final KeyDirectory directory;
    /** What closing this app closes besides the store: the source and the directory, once each (usually one UCloud
     * client is both), unless they are another app's. */
    private final List<Object> clients;
    private final SliceCache usageCache;
    private final UsageFetcher fetcher;
    private final Discovery discovery;
    private final Evaluator evaluator;
    private final Outbox outbox;
    private final Actions actions;
    private final Dispatcher dispatcher;
    private final Map<String, Notifier> notifiers;
    private final Clock clock;
    private final Telemetry telemetry;
    /** A backtest's replica: it replays the past, so nothing of the present (UCloud's limits, actions) applies. */
    private final boolean replays;

    private App(BotConfig config, UsageSource source, KeyDirectory directory, StateStore store,
                Map<String, Notifier> notifiers, Clock clock, Telemetry telemetry) {
        this(config, source, directory, clients(source, directory), store, new SliceCache(store, clock), notifiers,
                clock, telemetry, false);
    }

    private App(BotConfig config, UsageSource source, KeyDirectory directory, List<Object> owned, StateStore store,
                SliceCache usageCache, Map<String, Notifier> notifiers, Clock clock, Telemetry telemetry,
                boolean holdDays) {
        this.config = config;
        this.store = store;
        this.source = source;
        this.directory = directory;
        this.clients = owned;
        this.usageCache = usageCache;
        this.clock = clock;
        this.telemetry = telemetry;
        this.notifiers = notifiers;
        this.replays = holdDays;
        SettledDays days = holdDays ? new HeldDays(usageCache) : usageCache;
        // a backtest replays past steps through OnceEach; only live checks share fresh answers between rules
        UsageSource metered = telemetry.metered(source);
        this.fetcher = new UsageFetcher(holdDays ? metered : new FreshAnswers(metered, freshFor(config, clock.instant()),
                clock, telemetry.registry()), Optional.of(days),
                config.calendar().zone(), config.ucloud().settle(), clock, config.ucloud().maxConcurrency(),
                telemetry.registry());
        this.discovery = new Discovery(directory, config, clock, new RememberedKeys(store, config.ucloud()));
        this.evaluator = new Evaluator(config.calendar(), config.prices());
        this.outbox = new Outbox(store);
        // a replay and a dry run change no key: their actions only say what they would do
        Optional<KeyEditor> editor = !holdDays && !store.isReadOnly() && directory instanceof KeyEditor e
                ? Optional.of(e) : Optional.empty();
        Words words = Words.of(config.locale());
        this.actions = new Actions(store, editor, rule -> config.rules().stream().filter(r -> r.name().equals(rule))
                .findFirst().map(RuleConfig::channels).orElse(List.of()),
                now -> outbox.announcer(event -> ActionWords.format(event, words), now), clock,
                config.calendar().zone());
        this.dispatcher = new Dispatcher(outbox, notifiers, clock);
    }

    /** Talks to UCloud and the configured channels for real, for a command that runs once. */
    public static App open(BotConfig config, Clock clock) {
        return open(config, clock, false);
    }

    /**
     * As {@link #open(BotConfig, Clock)}; with {@code readOnly}, for a dry run, the state database is read as it is
     * and never written, created or migrated ({@link StateStore#openReadOnly}).
     */
    public static App open(BotConfig config, Clock clock, boolean readOnly) {
        UCloudClient ucloud = UCloudClient.create(config.ucloud(), config.calendar().zone());
        return open(config, ucloud, ucloud,
                Notifiers.create(config.channels(), config.publicUrl(), clock, System.out), clock,
                Telemetry.create(), readOnly);
    }

    /** Talks to UCloud for real and to no channel, for a command that sends nothing but keeps the usage cache. */
    public static App openWithoutChannels(BotConfig config, Clock clock) {
        UCloudClient ucloud = UCloudClient.create(config.ucloud(), config.calendar().zone());
        return open(config, ucloud, ucloud, Map.of(), clock);
    }

    /** Talks to UCloud and the configured channels for real, reporting to {@code telemetry}, which outlives it. */
    public static App open(BotConfig config, Clock clock, Telemetry telemetry) {
        UCloudClient ucloud = UCloudClient.create(config.ucloud(), config.calendar().zone());
        return open(config, ucloud, ucloud,
                Notifiers.create(config.channels(), config.publicUrl(), clock, System.out), clock, telemetry);
    }

    /**
     * With another usage source, key directory or transports: the demo, tests. The app owns what it is given:
     * closing it closes the notifiers, and the source and the directory when they are closeable.
     */
    public static App open(BotConfig config, UsageSource source, KeyDirectory directory,
                           Map<String, Notifier> notifiers, Clock clock) {
        return open(config, source, directory, notifiers, clock, Telemetry.create());
    }

    /** As {@link #open(BotConfig, UsageSource, KeyDirectory, Map, Clock)}, its fetches, checks and sends measured. */
    public static App open(BotConfig config, UsageSource source, KeyDirectory directory,
                           Map<String, Notifier> notifiers, Clock clock, Telemetry telemetry) {
        return open(config, source, directory, notifiers, clock, telemetry, false);
    }

    private static App open(BotConfig config, UsageSource source, KeyDirectory directory,
                            Map<String, Notifier> notifiers, Clock clock, Telemetry telemetry, boolean readOnly) {
        StateStore store;
        try {
            store = readOnly ? StateStore.openReadOnly(config.state()) : StateStore.open(config.state());
        } catch (RuntimeException e) {
            closeAll(clients(source, directory), notifiers);
            throw e;
        }
        try {
            Map<String, Notifier> metered = new LinkedHashMap<>();
            notifiers.forEach((channel, n) -> metered.put(channel, telemetry.metered(channel, n)));
            return new App(config, source, directory, store, Collections.unmodifiableMap(metered), clock, telemetry);
        } catch (RuntimeException e) {
            store.close();
            closeAll(clients(source, directory), notifiers);
            throw e;
        }
    }

    /**
     * An app that checks as this one does, with its configuration, clock, UCloud client and usage cache, but
     * records into an empty state in memory and has no channels: what a series of checks would announce on a fresh
     * database, with nothing sent and this app's state untouched. The settled days it reads stay in memory, since
     * a backtest reads them at every step, and so do its answers from UCloud (each series and window is asked for
     * once, however many rules ask). Closing it drops that state and leaves this app open.
     */
    public App replica() {
        StateStore scratch = StateStore.scratch();
        try {
            return new App(config, new OnceEach(source), directory, List.of(), scratch, usageCache, Map.of(), clock,
                    Telemetry.create(), true);
        } catch (RuntimeException e) {
            scratch.close();
            throw e;
        }
    }

    public BotConfig config() {
        return config;
    }

    /** Whether this is a backtest's {@link #replica()}, replaying past moments. */
    public boolean replays() {
        return replays;
    }

    public StateStore store() {
        return store;
    }

    /** The settled days kept in the state database. */
    SliceCache usageCache() {
        return usageCache;
    }

    public UsageFetcher fetcher() {
        return fetcher;
    }

    /** The project's keys and models as UCloud lists them, and what each rule watches by them. */
    public Discovery discovery() {
        return discovery;
    }

    /** How messages name keys: UCloud's names as last listed, with the config's {@code keyNames:} over them. */
    public KeyLabels keyLabels() {
        return KeyLabels.of(discovery.names(), config().keyNames());
    }

    public Evaluator evaluator() {
        return evaluator;
    }

    /** The budget actions: triggered by checks, approved, rejected and undone by people (or a chat button). */
    public Actions actions() {
        return actions;
    }

    public Outbox outbox() {
        return outbox;
    }

    public Dispatcher dispatcher() {
        return dispatcher;
    }

    public Clock clock() {
        return clock;
    }

    public Telemetry telemetry() {
        return telemetry;
    }

    @Override
    public void close() {
        fetcher.close();
        try {
            closeAll(clients, notifiers);
        } finally {
            store.close();
        }
    }

    private static List<Object> clients(UsageSource source, KeyDirectory directory) {
        return source == directory ? List.of(source) : List.of(source, directory);
    }

    /** Closes every notifier and client even when one of them fails; the first failure is thrown. */
    private static void closeAll(List<Object> clients, Map<String, Notifier> notifiers) {
        List<AutoCloseable> all = new ArrayList<>(notifiers.values());
        clients.stream().filter(AutoCloseable.class::isInstance).map(AutoCloseable.class::cast).forEach(all::add);
        IllegalStateException failure = null;
        for (AutoCloseable c : all) {
            try {
                c.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = new IllegalStateException("closing " + c + " failed: " + e.getMessage(), e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * {@code ucloud.freshFor}, but at most half the shortest time between two checks of a rule: the rules due in one
     * cycle share an answer, and a rule's next check always asks UCloud again.
     */
    static Duration freshFor(BotConfig config, Instant now) {
        Duration fresh = config.ucloud().freshFor();
        for (RuleConfig rule : config.rules()) {
            try {
                CronExpression cron = new CronExpression(rule.schedule());
                cron.setTimeZone(TimeZone.getTimeZone(config.calendar().zone()));
                Date next = cron.getNextValidTimeAfter(Date.from(now));
                Date after = next == null ? null : cron.getNextValidTimeAfter(next);
                if (after != null) {
                    Duration interval = Duration.ofMillis(after.getTime() - next.getTime()).dividedBy(2);
                    fresh = interval.compareTo(fresh) < 0 ? interval : fresh;
                }
            } catch (ParseException e) {
                throw new IllegalStateException("the loader accepted an invalid cron: " + rule.schedule(), e);
            }
        }
        return fresh;
    }
}

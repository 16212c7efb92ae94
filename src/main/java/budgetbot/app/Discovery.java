package budgetbot.app;

import budgetbot.config.BotConfig;
import budgetbot.config.RuleConfig;
import budgetbot.rules.Coverage;
import budgetbot.usage.ApiKey;
import budgetbot.usage.KeyDirectory;
import budgetbot.usage.UsageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Collectors;

/**
 * The project's API keys and the models each may call, as UCloud last listed them, and what each rule watches by
 * that list ({@link Coverage}). The list is renewed once it is older than {@code ucloud.discoveryInterval}, so a key
 * created today is watched by {@code keys: "*"} without a restart, and it is remembered in the state database
 * ({@link RememberedKeys}), so a command run within the interval of the last listing asks UCloud nothing. A failed
 * listing keeps the last good list and is tried again after a minute (or the interval, when that is shorter); with
 * no list yet and rules with {@code *}, at the next use, since those rules see nothing until then.
 *
 * <p>UCloud is asked outside the lock: checks go on with the last list while it is renewed, and only a check that
 * has no list at all waits for the listing in flight.
 */
public final class Discovery {
    private static final Logger log = LoggerFactory.getLogger(Discovery.class);
    private static final Duration RETRY = Duration.ofMinutes(1);

    private final KeyDirectory directory;
    private final BotConfig config;
    private final Clock clock;
    private final RememberedKeys remembered;
    private Optional<List<ApiKey>> keys = Optional.empty();
    private Instant listedAt;
    private Instant nextListing = Instant.MIN;
    private Optional<UsageException> failure = Optional.empty();
    /** The listing under way, if any. */
    private CompletableFuture<List<ApiKey>> inFlight;
    private boolean loaded;

    Discovery(KeyDirectory directory, BotConfig config, Clock clock, RememberedKeys remembered) {
        this.directory = Objects.requireNonNull(directory, "directory");
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.remembered = Objects.requireNonNull(remembered, "remembered");
    }

    /**
     * Lists the keys now (or waits for the listing already under way).
     *
     * @throws UsageException when UCloud cannot list them; the last good list stays in use
     */
    public List<ApiKey> refresh() {
        CompletableFuture<List<ApiKey>> listing;
        boolean mine = false;
        synchronized (this) {
            if (inFlight == null) {
                inFlight = new CompletableFuture<>();
                mine = true;
            }
            listing = inFlight;
        }
        if (mine) {
            list(listing);
        }
        try {
            return listing.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof UsageException u ? u : e;
        }
    }

    /** Asks UCloud, with no lock held, and records the outcome. */
    private void list(CompletableFuture<List<ApiKey>> listing) {
        Instant now = clock.instant();
        Duration interval = config.ucloud().discoveryInterval();
        try {
            List<ApiKey> listed = directory.apiKeys();
            synchronized (this) {
                logNew(listed);
                keys = Optional.of(listed);
                listedAt = now;
                nextListing = now.plus(interval);
                failure = Optional.empty();
                inFlight = null;
            }
            remember(listed, now);
            listing.complete(listed);
        } catch (UsageException e) {
            synchronized (this) {
                failure = Optional.of(e);
                boolean blind = keys.isEmpty() && config.rules().stream().anyMatch(RuleConfig::discovers);
                nextListing = blind ? now : now.plus(interval.compareTo(RETRY) < 0 ? interval : RETRY);
                inFlight = null;
            }
            listing.completeExceptionally(e);
        } catch (RuntimeException e) {
            synchronized (this) {
                inFlight = null;
            }
            listing.completeExceptionally(e);
            throw e;
        }
    }

    /** A listing that cannot be remembered is still used: the next command merely lists again. */
    private void remember(List<ApiKey> listed, Instant at) {
        try {
            remembered.save(listed, at);
        } catch (RuntimeException e) {
            log.warn("the key listing could not be remembered in the state database: {}", e.getMessage());
        }
    }

    /**
     * What {@code rule} watches at {@code at}: checked against the last list of keys, or as written (unchecked) when
     * UCloud never listed them.
     *
     * @throws UsageException when the rule names {@code *} and UCloud never listed the keys: it can watch nothing
     */
    public Coverage coverage(RuleConfig rule, Instant at) {
        Optional<List<ApiKey>> listed = keys();
        if (listed.isPresent()) {
            return Coverage.of(rule, listed.get(), at, config.prices());
        }
        if (rule.discovers()) {
            Optional<UsageException> failed;
            synchronized (this) {
                failed = failure;
            }
            throw new UsageException("rule " + rule.name() + " watches \"*\", and UCloud's API keys could not be "
                    + "listed: " + failed.map(Throwable::getMessage).orElse("not tried yet"), failed.orElse(null));
        }
        return Coverage.asWritten(rule);
    }

    /**
     * The configuration with every rule's scope as {@link #coverage} finds it at {@code at}.
     *
     * @throws UsageException as {@link #coverage} does
     */
    public BotConfig resolved(Instant at) {
        return config.withRules(config.rules().stream().map(r -> coverage(r, at).rule()).toList());
    }

    /** Why the latest listing failed; empty once one works (or before the first). */
    public synchronized Optional<UsageException> failing() {
        return failure;
    }

    /**
     * The keys as last listed, with their limits; empty before the first listing. Lists nothing itself: a check
     * asks for {@link #coverage} first, which renews a listing that is due.
     */
    public List<ApiKey> listed() {
        loadRemembered();
        synchronized (this) {
            return keys.orElse(List.of());
        }
    }

    /** Each listed key's name in UCloud, by id; empty before the first listing. Lists nothing itself. */
    public Map<String, String> names() {
        loadRemembered();
        synchronized (this) {
            Map<String, String> names = new LinkedHashMap<>();
            keys.ifPresent(list -> list.forEach(k -> names.putIfAbsent(k.id(), k.name())));
            return names;
        }
    }

    /**
     * The last list, renewed first when it is due by the first caller that finds it due; meanwhile the others use the
     * last list, and only a caller that has none waits for the listing under way.
     */
    private Optional<List<ApiKey>> keys() {
        loadRemembered();
        boolean due;
        synchronized (this) {
            due = !clock.instant().isBefore(nextListing) && (inFlight == null || keys.isEmpty());
        }
        if (due) {
            try {
                refresh();
            } catch (UsageException e) {
                synchronized (this) {
                    log.warn("UCloud's API keys could not be listed ({}); {}", e.getMessage(), keys.isPresent()
                            ? "keeping the list of " + listedAt
                            : "rules are checked as written, rules with \"*\" not at all");
                }
            }
        }
        synchronized (this) {
            return keys;
        }
    }

    /** The listing a previous command or run remembered, read once (outside the lock), unless one was made here. */
    private void loadRemembered() {
        synchronized (this) {
            if (loaded) {
                return;
            }
            loaded = true;
        }
        Optional<RememberedKeys.Listing> last;
        try {
            last = remembered.load();
        } catch (RuntimeException e) {
            log.warn("the remembered key listing could not be read: {}; listing the keys again", e.getMessage());
            return;
        }
        synchronized (this) {
            if (keys.isEmpty() && last.isPresent()) {
                keys = Optional.of(last.get().keys());
                listedAt = last.get().listedAt();
                nextListing = last.get().listedAt().plus(config.ucloud().discoveryInterval());
            }
        }
    }

    private void logNew(List<ApiKey> listed) {
        Set<String> before = keys.map(k -> k.stream().map(ApiKey::id).collect(Collectors.toSet())).orElse(Set.of());
        List<String> added = listed.stream().map(ApiKey::id).filter(id -> !before.contains(id)).toList();
        if (keys.isEmpty()) {
            log.info("UCloud lists {} API keys", listed.size());
        } else if (!added.isEmpty()) {
            log.info("new API keys in the project: {}; rules with keys: \"*\" watch them from now on", added);
        }
    }
}

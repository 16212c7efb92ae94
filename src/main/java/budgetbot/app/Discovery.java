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
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The project's API keys and the models each may call, as UCloud last listed them, and what each rule watches by
 * that list ({@link Coverage}). The list is renewed once it is older than {@code ucloud.discoveryInterval}, so a key
 * created today is watched by {@code keys: "*"} without a restart. A failed listing keeps the last good list and is
 * tried again after a minute (or the interval, when that is shorter); with no list yet and rules with {@code *},
 * at the next use, since those rules see nothing until then.
 */
public final class Discovery {
    private static final Logger log = LoggerFactory.getLogger(Discovery.class);
    private static final Duration RETRY = Duration.ofMinutes(1);

    private final KeyDirectory directory;
    private final BotConfig config;
    private final Clock clock;
    private Optional<List<ApiKey>> keys = Optional.empty();
    private Instant listedAt;
    private Instant nextListing = Instant.MIN;
    private Optional<UsageException> failure = Optional.empty();

    Discovery(KeyDirectory directory, BotConfig config, Clock clock) {
        this.directory = Objects.requireNonNull(directory, "directory");
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Lists the keys now.
     *
     * @throws UsageException when UCloud cannot list them; the last good list stays in use
     */
    public synchronized List<ApiKey> refresh() {
        Instant now = clock.instant();
        Duration interval = config.ucloud().discoveryInterval();
        try {
            List<ApiKey> listed = directory.apiKeys();
            logNew(listed);
            keys = Optional.of(listed);
            listedAt = now;
            nextListing = now.plus(interval);
            failure = Optional.empty();
            return listed;
        } catch (UsageException e) {
            failure = Optional.of(e);
            boolean blind = keys.isEmpty() && config.rules().stream().anyMatch(RuleConfig::discovers);
            nextListing = blind ? now : now.plus(interval.compareTo(RETRY) < 0 ? interval : RETRY);
            throw e;
        }
    }

    /**
     * What {@code rule} watches at {@code at}: checked against the last list of keys, or as written (unchecked) when
     * UCloud never listed them.
     *
     * @throws UsageException when the rule names {@code *} and UCloud never listed the keys: it can watch nothing
     */
    public synchronized Coverage coverage(RuleConfig rule, Instant at) {
        Optional<List<ApiKey>> listed = keys();
        if (listed.isPresent()) {
            return Coverage.of(rule, listed.get(), at, config.prices());
        }
        if (rule.discovers()) {
            throw new UsageException("rule " + rule.name() + " watches \"*\", and UCloud's API keys could not be "
                    + "listed: " + failure.map(Throwable::getMessage).orElse("not tried yet"), failure.orElse(null));
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

    /** The last list, renewed first when it is due; empty while no listing has worked. */
    private synchronized Optional<List<ApiKey>> keys() {
        if (!clock.instant().isBefore(nextListing)) {
            try {
                refresh();
            } catch (UsageException e) {
                log.warn("UCloud's API keys could not be listed ({}); {}", e.getMessage(), keys.isPresent()
                        ? "keeping the list of " + listedAt
                        : "rules are checked as written, rules with \"*\" not at all");
            }
        }
        return keys;
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

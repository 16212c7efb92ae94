package budgetbot.simulator;

import budgetbot.usage.KeyLimits;
import budgetbot.usage.Series;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * The API keys a {@link Simulator} lists, each with the models it may call. It starts with the options' keys, all
 * enabled for all the options' models; tests (and {@code POST /_sim/keys}) add or change keys while it runs.
 */
public final class SimKeys {
    /**
     * One API key.
     *
     * @param status     1 = normal; anything else is disabled, as in UCloud
     * @param expireTime unix seconds; -1 = never
     * @param models     the models it may call
     * @param limits     its daily and monthly limits, what it used of them, and {@code ModelverseDisabled}
     */
    public record Key(String id, int status, long expireTime, List<String> models, KeyLimits limits) {
        public Key {
            Objects.requireNonNull(id, "id");
            if (id.isBlank()) {
                throw new IllegalArgumentException("key id is blank");
            }
            models = List.copyOf(models);
            Objects.requireNonNull(limits, "limits");
        }

        /** A key without limits. */
        public Key(String id, int status, long expireTime, List<String> models) {
            this(id, status, expireTime, models, KeyLimits.NONE);
        }

        /** This key with other limits. */
        public Key with(KeyLimits other) {
            return new Key(id, status, expireTime, models, other);
        }

        /** UCloud refuses its requests: disabled, cut off from the model service, or a limit used up. */
        boolean refused() {
            return status != 1 || limits.modelverseDisabled() || limits.daily().reached()
                    || limits.monthly().reached();
        }

        /** Enabled, never expiring. */
        public static Key enabled(String id, List<String> models) {
            return new Key(id, 1, -1, models);
        }
    }

    private final long seed;
    private final Clock clock;
    private final Map<String, Key> keys = new LinkedHashMap<>();
    /** Since when UCloud refuses each refused key's requests: it has no usage after that. */
    private final Map<String, Instant> refusedSince = new HashMap<>();

    SimKeys(long seed, Clock clock, List<String> ids, List<String> models) {
        this.seed = seed;
        this.clock = clock;
        ids.forEach(id -> put(Key.enabled(id, models)));
    }

    /** Adds {@code key}, or replaces the key with its id (listed in its old place). */
    public synchronized void put(Key key) {
        keys.put(key.id(), key);
        if (!key.refused()) {
            refusedSince.remove(key.id());
        } else {
            refusedSince.putIfAbsent(key.id(), clock.instant());
        }
    }

    /**
     * The moment up to which {@code series} has usage as of {@code now}: when UCloud began refusing its key (a key
     * disabled or at its limit makes no new calls), else {@code now}.
     */
    synchronized Instant usageUntil(Series series, Instant now) {
        Instant since = refusedSince.get(series.keyId());
        return since != null && since.isBefore(now) ? since : now;
    }

    public synchronized List<Key> all() {
        return new ArrayList<>(keys.values());
    }

    synchronized Optional<Key> get(String id) {
        return Optional.ofNullable(keys.get(id));
    }

    /** Whether {@code series} has usage: its key exists and may call its model. */
    synchronized boolean serve(Series series) {
        return get(series.keyId()).filter(k -> k.models().contains(series.model())).isPresent();
    }

    /**
     * The secret value UCloud sends as {@code Key} with each listed key, the same for the same seed and id: what
     * budgetbot must never log, store or print, so tests look for it.
     */
    public String secret(String id) {
        byte[] bytes = new byte[24];
        new SplittableRandom(seed ^ id.hashCode()).nextBytes(bytes);
        return "sk-sim-" + HexFormat.of().formatHex(bytes);
    }

    private static final List<String> TEAMS = List.of("客服组", "search", "数据平台", "marketing", "研发一部",
            "batch-jobs", "翻译服务", "support-bot");

    /** The name a key is listed with: a team, as people name keys (half of them in Chinese), the same every run. */
    static String name(String id) {
        return TEAMS.get(Math.floorMod(id.hashCode(), TEAMS.size()));
    }
}

package budgetbot.ucloud;

import budgetbot.config.UCloudConfig;
import budgetbot.time.Backoff;
import budgetbot.time.Jitter;
import budgetbot.time.Sleeper;
import budgetbot.time.Window;
import budgetbot.usage.ApiKey;
import budgetbot.usage.KeyDirectory;
import budgetbot.usage.KeyEditor;
import budgetbot.usage.KeyLimits;
import budgetbot.usage.Series;
import budgetbot.usage.Usage;
import budgetbot.usage.UsageSource;

import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * UCloud for one configuration: the usage source ({@link UCloudUsage}) and the key directory ({@link UCloudKeys}) over
 * one {@link SignedTransport}, so that both share the signing, the retries and the limit on requests in flight
 * ({@code ucloud.maxConcurrency}, fewer while UCloud rate-limits). Closing it closes all three.
 */
public final class UCloudClient implements UsageSource, KeyDirectory, KeyEditor, AutoCloseable {
    private final SignedTransport transport;
    private final UCloudUsage usage;
    private final UCloudKeys keys;

    private UCloudClient(SignedTransport transport, UCloudUsage usage, UCloudKeys keys) {
        this.transport = transport;
        this.usage = usage;
        this.keys = keys;
    }

    /**
     * A client for {@code cfg}; {@code zone} places the midnights at which long windows are cut (UCloud's console
     * counts days in China Standard Time).
     */
    public static UCloudClient create(UCloudConfig cfg, ZoneId zone) {
        return create(cfg, zone, Backoff.UCLOUD, Jitter.RANDOM, Sleeper.REAL);
    }

    /** A client whose retries wait {@code backoff} with {@code jitter}, through {@code sleeper}: for tests. */
    static UCloudClient create(UCloudConfig cfg, ZoneId zone, Backoff backoff, Jitter jitter, Sleeper sleeper) {
        Objects.requireNonNull(cfg, "cfg");
        Objects.requireNonNull(zone, "zone");
        if (cfg.maxRetries() < 0) {
            throw new IllegalArgumentException("ucloud.maxRetries < 0: " + cfg.maxRetries());
        }
        if (cfg.maxConcurrency() < 1) {
            throw new IllegalArgumentException("ucloud.maxConcurrency < 1: " + cfg.maxConcurrency());
        }
        if (cfg.publicKey().isEmpty()) {
            throw new IllegalArgumentException("ucloud.publicKey is empty");
        }
        SignedTransport transport = new SignedTransport(cfg, backoff, jitter, sleeper);
        return new UCloudClient(transport, new UCloudUsage(transport, zone, cfg.maxConcurrency()),
                new UCloudKeys(transport));
    }

    @Override
    public Usage fetch(Series series, Window window) {
        return usage.fetch(series, window);
    }

    @Override
    public Usage fetchOnce(Series series, Window window) {
        return usage.fetchOnce(series, window);
    }

    @Override
    public List<ApiKey> apiKeys() {
        return keys.apiKeys();
    }

    /**
     * The key's limits as UCloud lists them now, asked for now (not the discovery's listing): what an action is about
     * to change, and what undoing it restores; empty when UCloud does not list the key.
     *
     * @throws UCloudException when the keys cannot be listed
     */
    @Override
    public Optional<KeyLimits> limitsNow(String keyId) {
        return keys.limitsNow(keyId);
    }

    /**
     * Changes a key with {@code UpdateUMInferAPIKey}, sending only {@code changes} (e.g. {@code ModelverseDisabled=1},
     * {@code DailyLimitAmount=0.4}).
     *
     * @return UCloud's request id of the answer
     * @throws UCloudException when UCloud refuses it (its RetCode: no permission, unknown key) or cannot be reached
     */
    @Override
    public String updateKey(String keyId, Map<String, String> changes) {
        return keys.update(keyId, changes);
    }

    /** The limit on requests in flight, for tests. */
    AdaptiveLimit limit() {
        return transport.limit();
    }

    /** Stops the slice threads and the HTTP client's; calls in flight finish. */
    @Override
    public void close() {
        usage.close();
        transport.close();
    }
}

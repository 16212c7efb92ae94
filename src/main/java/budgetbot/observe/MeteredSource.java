package budgetbot.observe;

import budgetbot.time.Window;
import budgetbot.ucloud.UCloudException;
import budgetbot.usage.Series;
import budgetbot.usage.Usage;
import budgetbot.usage.UsageException;
import budgetbot.usage.UsageSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * A usage source whose fetches are counted by outcome and UCloud RetCode ({@code none} when the last attempt got
 * no UCloud answer), and timed in a latency histogram. A fetch is one call, its retries included. Closing the
 * source stays its owner's business.
 */
final class MeteredSource implements UsageSource {
    private static final Duration[] BUCKETS = {Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
            Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
            Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60)};

    private final UsageSource source;
    private final MeterRegistry registry;
    private final Timer latency;

    MeteredSource(UsageSource source, MeterRegistry registry) {
        this.source = source;
        this.registry = registry;
        this.latency = Timer.builder("budgetbot.usage.fetch").description("How long fetching one series' usage "
                + "took, retries included").serviceLevelObjectives(BUCKETS).register(registry);
    }

    @Override
    public Usage fetch(Series series, Window window) {
        return counted(() -> source.fetch(series, window));
    }

    @Override
    public Usage fetchOnce(Series series, Window window) {
        return counted(() -> source.fetchOnce(series, window));
    }

    private Usage counted(Supplier<Usage> fetch) {
        Timer.Sample sample = Timer.start(registry);
        try {
            Usage usage = fetch.get();
            fetches("ok", "0").increment();
            return usage;
        } catch (UsageException e) {
            String code = e instanceof UCloudException u && u.retCode().isPresent()
                    ? Integer.toString(u.retCode().getAsInt()) : "none";
            fetches("failed", code).increment();
            throw e;
        } finally {
            sample.stop(latency);
        }
    }

    private Counter fetches(String outcome, String retCode) {
        return Counter.builder("budgetbot.usage.fetches").description("Usage fetches from UCloud by outcome and "
                + "RetCode").tags("outcome", outcome, "ret_code", retCode).register(registry);
    }
}

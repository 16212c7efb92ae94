package budgetbot.ucloud;

import budgetbot.time.Window;
import budgetbot.usage.LogContext;
import budgetbot.usage.Series;
import budgetbot.usage.Usage;
import budgetbot.usage.UsageSource;
import com.fasterxml.jackson.databind.JsonNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * UCloud as the usage source: {@code GetUMInferTokenUsage} through the {@link SignedTransport}, long windows fetched
 * as parallel day slices and merged. A fetch that fails for good logs one WARN for its series and window.
 */
final class UCloudUsage implements UsageSource, AutoCloseable {
    static final String ACTION = "GetUMInferTokenUsage";
    /** The client's logger: its lines keep the name operators filter them by. */
    private static final Logger log = LoggerFactory.getLogger(UCloudClient.class);
    private static final Predicate<JsonNode> USAGE_DATA = d -> d.isObject() || d.isMissingNode() || d.isNull();

    private final SignedTransport transport;
    private final ZoneId zone;
    private final ExecutorService slices;

    /** @param zone places the midnights at which long windows are cut */
    UCloudUsage(SignedTransport transport, ZoneId zone, int maxConcurrency) {
        this.transport = transport;
        this.zone = zone;
        AtomicInteger threads = new AtomicInteger();
        // one thread per permit: the limit, not the pool, bounds the requests, and a series whose slices wait on
        // a slow UCloud holds no more threads than it holds permits
        this.slices = Executors.newFixedThreadPool(maxConcurrency, r -> {
            Thread t = new Thread(r, "ucloud-slice-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public Usage fetch(Series series, Window window) {
        List<Window> parts = DaySlices.split(window, zone);
        return usage(series, window, () -> parts.size() == 1 ? fetchSlice(series, parts.get(0))
                : fetchInParallel(series, parts));
    }

    /** One request, however long the window: the caller keeps it short (UCloud times out beyond about 10 days). */
    @Override
    public Usage fetchOnce(Series series, Window window) {
        return usage(series, window, () -> fetchSlice(series, window));
    }

    /** The usage {@code fetch} gets, with the series in the log context and one WARN when it fails for good. */
    private Usage usage(Series series, Window window, Supplier<SliceUsage> fetch) {
        if (window.length().isZero()) {
            return Usage.none(series, window);
        }
        SliceUsage usage;
        try (LogContext.Scope logged = LogContext.series(series)) {
            usage = fetch.get();
        } catch (UCloudException e) {
            logFailure(series, window, e);
            throw e;
        }
        return new Usage(series, window, usage.totals(), usage.bucketList());
    }

    /** Stops the slice threads; fetches in flight finish. */
    @Override
    public void close() {
        slices.shutdown();
    }

    /** One WARN per failed fetch, whatever its slices and attempts; an interrupted fetch failed for another reason. */
    private static void logFailure(Series series, Window window, UCloudException e) {
        if (e.interrupted()) {
            log.debug("{} for KeyId {}, Model {}, {} interrupted", ACTION, series.keyId(), series.model(), window);
            return;
        }
        String slice = e.slice().filter(s -> !s.equals(window)).map(s -> " (day slice " + s + ")").orElse("");
        try (LogContext.Scope logged = LogContext.series(series);
             MDC.MDCCloseable id = MDC.putCloseable(LogContext.REQUEST_ID, e.requestId().orElse("(none)"))) {
            log.warn("{} failed for KeyId {}, Model {}, {}{}: {}; request id {}, {} {}", ACTION, series.keyId(),
                    series.model(), window, slice, e.reason(), e.requestId().orElse("(none)"), e.attempts(),
                    e.attempts() == 1 ? "attempt" : "attempts");
        }
    }

    private SliceUsage fetchInParallel(Series series, List<Window> parts) {
        // slices are taken as they finish, so the first one to fail for good fails the window at once
        CompletionService<SliceUsage> done = new ExecutorCompletionService<>(slices);
        List<Future<SliceUsage>> futures = new ArrayList<>();
        parts.forEach(part -> futures.add(done.submit(LogContext.carried(() -> fetchSlice(series, part)))));
        SliceUsage merged = SliceUsage.EMPTY;
        try {
            for (int i = 0; i < parts.size(); i++) {
                merged = merged.plus(done.take().get());
            }
            return merged;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException("slice failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw SignedTransport.interrupted("interrupted while fetching " + series,
                    Optional.of(new Window(parts.get(0).start(), parts.get(parts.size() - 1).end())), e);
        } finally {
            futures.forEach(f -> f.cancel(true));
        }
    }

    private SliceUsage fetchSlice(Series series, Window slice) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("KeyId", series.keyId());
        params.put("Model", series.model());
        params.put("StartTime", Long.toString(slice.start().getEpochSecond()));
        params.put("EndTime", Long.toString(slice.end().getEpochSecond()));
        return SliceUsage.parse(transport.call(new SignedTransport.Call(ACTION, params,
                ACTION + " for " + series + ", " + slice, Optional.of(slice), USAGE_DATA)).path("Data"));
    }
}

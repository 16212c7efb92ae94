package budgetbot.app;

import budgetbot.rules.UsageSnapshot;
import budgetbot.time.Window;
import budgetbot.usage.Series;
import budgetbot.usage.Usage;
import budgetbot.usage.UsageException;
import budgetbot.usage.UsageSource;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Fetches every (window, series) pair an evaluation needs, a bounded number at a time, into a snapshot.
 * The source slices long windows itself; this only spreads independent calls.
 */
public final class UsageFetcher implements AutoCloseable {
    private final UsageSource source;
    private final ExecutorService pool;

    public UsageFetcher(UsageSource source, int parallelism) {
        this.source = source;
        this.pool = Executors.newFixedThreadPool(Math.max(1, parallelism), r -> {
            Thread t = new Thread(r, "usage-fetch");
            t.setDaemon(true);
            return t;
        });
    }

    /** @throws UsageException the first failure, after the source's own retries */
    public UsageSnapshot fetch(Collection<Window> windows, Collection<Series> series) {
        return fetch(windows, series, new HashMap<>());
    }

    /**
     * As {@link #fetch(Collection, Collection)}, asking the source only for the pairs {@code known} lacks and adding
     * them to it: rules checked together that share keys, models and periods fetch each pair once.
     */
    public UsageSnapshot fetch(Collection<Window> windows, Collection<Series> series, Map<Window, Map<Series, Usage>> known) {
        Map<Window, Map<Series, Future<Usage>>> futures = new LinkedHashMap<>();
        for (Window w : windows) {
            Map<Series, Usage> have = known.getOrDefault(w, Map.of());
            for (Series s : series) {
                if (!have.containsKey(s)) {
                    futures.computeIfAbsent(w, x -> new LinkedHashMap<>()).put(s, pool.submit(() -> source.fetch(s, w)));
                }
            }
        }
        List<Future<Usage>> all = new ArrayList<>();
        futures.values().forEach(m -> all.addAll(m.values()));
        try {
            for (var e : futures.entrySet()) {
                Map<Series, Usage> perSeries = known.computeIfAbsent(e.getKey(), w -> new HashMap<>());
                for (var s : e.getValue().entrySet()) {
                    perSeries.put(s.getKey(), s.getValue().get());
                }
            }
        } catch (ExecutionException e) {
            all.forEach(f -> f.cancel(true));
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new UsageException(e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            all.forEach(f -> f.cancel(true));
            Thread.currentThread().interrupt();
            throw new UsageException("interrupted while fetching usage", e);
        }
        return new UsageSnapshot(known);
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}

package budgetbot.fetch;

import budgetbot.rules.UsageSnapshot;
import budgetbot.time.Window;
import budgetbot.usage.LazyList;
import budgetbot.usage.LogContext;
import budgetbot.usage.Series;
import budgetbot.usage.Usage;
import budgetbot.usage.UsageBucket;
import budgetbot.usage.UsageException;
import budgetbot.usage.UsageSource;
import budgetbot.usage.UsageTotals;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Fetches every (window, series) pair an evaluation needs into a snapshot, a bounded number of requests at a time.
 *
 * <p>With a place for settled days (the usage cache, {@link SliceCache}), each series' windows are cut into local
 * days (see {@link SlicePlan}): closed days come from the cache, or are fetched whole once and kept; the open part
 * of all windows is one request. So a steady cycle makes one request per series, plus one per day that closed since the last cycle, whatever the
 * periods. A window's part of a day or of the open range is the sum of the buckets whose timestamp lies in it;
 * a whole day or the whole open range keeps the totals UCloud reported for it. The buckets of whole cached days
 * are read from the database only when a window's buckets are (a forecast, a digest's chart), so read them
 * before closing the app.
 */
public final class UsageFetcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(UsageFetcher.class);
    /** Longer open ranges (a settle time near a day, or a window ending in the future) go through {@link UsageSource#fetch}. */
    private static final Duration ONE_REQUEST = Duration.ofDays(2);

    private final UsageSource source;
    private final Optional<SettledDays> cache;
    private final ZoneId zone;
    private final Duration settle;
    private final Clock clock;
    private final ExecutorService pool;
    private final Counter cachedDays;
    private final Counter fetchedDays;

    /**
     * @param cache  empty to ask the source for every window as it is
     * @param zone   where days start
     * @param settle how long after its end a day's usage is taken as final
     * @param clock  decides which days have settled
     * @param meters counts the settled days served from the cache and those fetched
     */
    public UsageFetcher(UsageSource source, Optional<SettledDays> cache, ZoneId zone, Duration settle, Clock clock,
                        int parallelism, MeterRegistry meters) {
        this.source = Objects.requireNonNull(source, "source");
        this.cache = Objects.requireNonNull(cache, "cache");
        this.zone = Objects.requireNonNull(zone, "zone");
        this.settle = Objects.requireNonNull(settle, "settle");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.pool = Executors.newFixedThreadPool(Math.max(1, parallelism), r -> {
            Thread t = new Thread(r, "usage-fetch");
            t.setDaemon(true);
            return t;
        });
        this.cachedDays = days(meters, "cache");
        this.fetchedDays = days(meters, "ucloud");
    }

    private static Counter days(MeterRegistry meters, String source) {
        return Counter.builder("budgetbot.usage.cache.days").description("Settled days of a series' usage, by "
                + "whether the usage cache had them or they were fetched").tag("source", source).register(meters);
    }

    /** @throws UsageException the first failure, after the source's own retries */
    public UsageSnapshot fetch(Collection<Window> windows, Collection<Series> series) {
        return fetch(windows, series, new HashMap<>());
    }

    /**
     * As {@link #fetch(Collection, Collection)}, asking only for the pairs {@code known} lacks and adding them to
     * it: rules checked together that share keys, models and periods fetch each pair once. The snapshot holds
     * exactly the pairs asked for.
     */
    public UsageSnapshot fetch(Collection<Window> windows, Collection<Series> series,
                               Map<Window, Map<Series, Usage>> known) {
        Map<Series, List<Window>> missing = new LinkedHashMap<>();
        for (Series s : series) {
            for (Window w : windows) {
                if (!known.getOrDefault(w, Map.of()).containsKey(s)) {
                    missing.computeIfAbsent(s, x -> new ArrayList<>()).add(w);
                }
            }
        }
        Map<Series, Map<Window, Usage>> fetched = cache.isPresent() ? throughCache(missing.entrySet())
                : direct(missing.entrySet());
        fetched.forEach((s, byWindow) -> byWindow.forEach((w, u) -> known.computeIfAbsent(w, x -> new HashMap<>()).put(s, u)));
        Map<Window, Map<Series, Usage>> asked = new HashMap<>();
        for (Window w : windows) {
            Map<Series, Usage> have = known.getOrDefault(w, Map.of());
            Map<Series, Usage> of = asked.computeIfAbsent(w, x -> new HashMap<>());
            series.forEach(s -> of.put(s, have.get(s)));
        }
        return new UsageSnapshot(asked);
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }

    private Map<Series, Map<Window, Usage>> direct(Collection<Map.Entry<Series, List<Window>>> missing) {
        Map<Part, Future<Usage>> calls = new LinkedHashMap<>();
        missing.forEach(e -> e.getValue().forEach(w -> calls.put(new Part(e.getKey(), w),
                pool.submit(LogContext.carried(() -> source.fetch(e.getKey(), w))))));
        Map<Series, Map<Window, Usage>> out = new LinkedHashMap<>();
        awaitAll(calls).forEach((p, u) -> out.computeIfAbsent(p.series(), s -> new LinkedHashMap<>()).put(p.window(), u));
        return out;
    }

    private Map<Series, Map<Window, Usage>> throughCache(Collection<Map.Entry<Series, List<Window>>> missing) {
        // one moment for all series, so that they agree on which days are closed
        Instant started = clock.instant();
        Instant settledBefore = started.minus(settle);
        Map<Series, SlicePlan> plans = new LinkedHashMap<>();
        // series asked for the same windows (all of a rule's) share one plan: cutting days is calendar arithmetic
        Map<List<Window>, SlicePlan> planned = new HashMap<>();
        missing.forEach(e -> plans.put(e.getKey(), planned.computeIfAbsent(e.getValue(),
                w -> SlicePlan.of(w, zone, settledBefore))));
        Map<Series, Map<Window, UsageTotals>> cached = cache.get().totals(closedDays(plans));
        Map<Series, Map<Window, List<UsageBucket>>> partial = cache.get().buckets(cachedPartialDays(plans, cached));
        Instant loaded = clock.instant();

        Map<Part, Future<Usage>> calls = new LinkedHashMap<>();
        plans.forEach((s, plan) -> {
            Map<Window, UsageTotals> have = cached.getOrDefault(s, Map.of());
            cachedDays.increment(have.size());
            fetchedDays.increment(plan.closedDays().size() - have.size());
            if (have.size() < plan.closedDays().size()) {
                for (Window day : plan.closedDays()) {
                    if (!have.containsKey(day)) {
                        calls.put(new Part(s, day), pool.submit(LogContext.carried(() -> {
                            Usage u = source.fetchOnce(s, day);
                            cache.get().store(u);
                            return u;
                        })));
                    }
                }
            }
            plan.open().ifPresent(open -> calls.put(new Part(s, open), pool.submit(LogContext.carried(() ->
                    open.length().compareTo(ONE_REQUEST) <= 0 ? source.fetchOnce(s, open) : source.fetch(s, open)))));
        });
        Map<Part, Usage> fetched = awaitAll(calls);
        Instant done = clock.instant();

        // the buckets of whole cached days, for all series at once, only if something reads them
        Supplier<Map<Series, Map<Window, List<UsageBucket>>>> whole = memoize(() -> cache.get().buckets(
                wholeDays(plans, cached)));
        Function<Part, UsageTotals> totalsOf = p -> fetched.containsKey(p) ? fetched.get(p).totals()
                : cached.get(p.series()).get(p.window());
        Function<Part, List<UsageBucket>> bucketsOf = p -> {
            if (fetched.containsKey(p)) {
                return fetched.get(p).buckets();
            }
            List<UsageBucket> some = partial.getOrDefault(p.series(), Map.of()).get(p.window());
            return some != null ? some : whole.get().getOrDefault(p.series(), Map.of()).getOrDefault(p.window(), List.of());
        };
        Map<Series, Map<Window, Usage>> out = new LinkedHashMap<>();
        missing.forEach(e -> {
            Series s = e.getKey();
            SlicePlan plan = plans.get(s);
            Map<Window, Usage> byWindow = new LinkedHashMap<>();
            for (Window w : e.getValue()) {
                List<Part> parts = plan.parts().get(w).stream().map(d -> new Part(s, d)).toList();
                byWindow.put(w, compose(s, w, parts, totalsOf, bucketsOf));
            }
            out.put(s, byWindow);
        });
        log.info("usage of {} series: {} settled days from the cache in {} ms, {} requests ({} settled days, {} open "
                        + "ranges) in {} ms", plans.size(), cached.values().stream().mapToInt(Map::size).sum(),
                Duration.between(started, loaded).toMillis(), calls.size(),
                calls.size() - plans.values().stream().filter(p -> p.open().isPresent()).count(),
                plans.values().stream().filter(p -> p.open().isPresent()).count(),
                Duration.between(loaded, done).toMillis());
        return out;
    }

    /** The closed days of every plan, by series: the plan's own set, which the series sharing it share. */
    private static Map<Series, Collection<Window>> closedDays(Map<Series, SlicePlan> plans) {
        Map<Series, Collection<Window>> days = new HashMap<>();
        plans.forEach((s, plan) -> days.put(s, plan.closedDays()));
        return days;
    }

    /** The cached days of every plan that a window covers only in part (their buckets are summed), by series. */
    private static Map<Series, Collection<Window>> cachedPartialDays(Map<Series, SlicePlan> plans,
                                                                     Map<Series, Map<Window, UsageTotals>> cached) {
        Map<Series, Collection<Window>> days = new HashMap<>();
        plans.forEach((s, plan) -> {
            Map<Window, UsageTotals> have = cached.getOrDefault(s, Map.of());
            if (!plan.partial().isEmpty()) {
                days.put(s, have.size() == plan.closedDays().size() ? plan.partial()
                        : plan.partial().stream().filter(have::containsKey).toList());
            }
        });
        return days;
    }

    /** The cached days of every plan that no window covers in part. */
    private static Map<Series, List<Window>> wholeDays(Map<Series, SlicePlan> plans,
                                                       Map<Series, Map<Window, UsageTotals>> cached) {
        Map<Series, List<Window>> days = new HashMap<>();
        plans.forEach((s, plan) -> {
            Map<Window, UsageTotals> have = cached.getOrDefault(s, Map.of());
            List<Window> whole = plan.closedDays().stream()
                    .filter(d -> have.containsKey(d) && !plan.partial().contains(d)).toList();
            if (!whole.isEmpty()) {
                days.put(s, whole);
            }
        });
        return days;
    }

    private static <T> Supplier<T> memoize(Supplier<T> compute) {
        LazyList<T> once = new LazyList<>(() -> List.of(compute.get()));
        return () -> once.get(0);
    }

    /** One request's worth: a series over a window, a day or the open range. */
    private record Part(Series series, Window window) {
    }

    /** Waits for all; the first failure cancels the rest and is thrown. */
    private static <K, V> Map<K, V> awaitAll(Map<K, Future<V>> futures) {
        Map<K, V> done = new LinkedHashMap<>();
        try {
            for (Map.Entry<K, Future<V>> f : futures.entrySet()) {
                done.put(f.getKey(), f.getValue().get());
            }
            return done;
        } catch (ExecutionException e) {
            futures.values().forEach(f -> f.cancel(true));
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new UsageException(e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            futures.values().forEach(f -> f.cancel(true));
            Thread.currentThread().interrupt();
            throw new UsageException("interrupted while fetching usage", e);
        }
    }

    /**
     * The window's usage from the days and the open range that cover it ({@code parts}, in time order): a part the
     * window covers whole counts with its reported totals, a part it covers in part with the buckets in it. The
     * window's buckets are only gathered when read.
     */
    private static Usage compose(Series series, Window window, List<Part> parts, Function<Part, UsageTotals> totalsOf,
                                 Function<Part, List<UsageBucket>> bucketsOf) {
        UsageTotals totals = UsageTotals.ZERO;
        for (Part p : parts) {
            totals = totals.plus(SlicePlan.within(p.window(), window) ? totalsOf.apply(p) : bucketsOf.apply(p).stream()
                    .filter(b -> window.contains(b.timestamp())).map(UsageBucket::totals)
                    .reduce(UsageTotals.ZERO, UsageTotals::plus));
        }
        return new Usage(series, window, totals, new LazyList<>(() -> parts.stream()
                .flatMap(p -> SlicePlan.within(p.window(), window) ? bucketsOf.apply(p).stream()
                        : bucketsOf.apply(p).stream().filter(b -> window.contains(b.timestamp())))
                .toList()));
    }
}

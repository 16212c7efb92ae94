package budgetbot.fetch;

import budgetbot.time.Window;
import budgetbot.usage.Series;
import budgetbot.usage.Usage;
import budgetbot.usage.UsageBucket;
import budgetbot.usage.UsageTotals;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Settled days held in memory over another place that keeps them (the usage cache): each day is read from there
 * once, and a day fetched from UCloud is kept in both. A backtest evaluates thousands of moments over the same
 * days; reading them from the database at every moment would cost more than the evaluation. Safe for the checks of
 * several rules replayed at once: a day read twice at the same time is the same day.
 */
public final class HeldDays implements SettledDays {
    private final SettledDays below;
    private final Map<Series, Map<Window, UsageTotals>> totals = new ConcurrentHashMap<>();
    private final Map<Series, Map<Window, List<UsageBucket>>> buckets = new ConcurrentHashMap<>();

    public HeldDays(SettledDays below) {
        this.below = Objects.requireNonNull(below, "below");
    }

    @Override
    public Map<Series, Map<Window, UsageTotals>> totals(Map<Series, ? extends Collection<Window>> wanted) {
        return readThrough(wanted, totals, below::totals);
    }

    @Override
    public Map<Series, Map<Window, List<UsageBucket>>> buckets(
            Map<Series, ? extends Collection<Window>> wanted) {
        return readThrough(wanted, buckets, below::buckets);
    }

    @Override
    public void store(Usage day) {
        below.store(day);
        totals.computeIfAbsent(day.series(), s -> new ConcurrentHashMap<>()).put(day.window(), day.totals());
        buckets.computeIfAbsent(day.series(), s -> new ConcurrentHashMap<>()).put(day.window(),
                List.copyOf(day.buckets()));
    }

    /** What {@code held} has of {@code wanted}, after asking {@code below} once for all the rest. */
    private static <T> Map<Series, Map<Window, T>> readThrough(Map<Series, ? extends Collection<Window>> wanted,
            Map<Series, Map<Window, T>> held, Reader<T> below) {
        Map<Series, Map<Window, T>> found = new HashMap<>();
        Map<Series, List<Window>> missing = new HashMap<>();
        wanted.forEach((s, days) -> {
            Map<Window, T> have = held.computeIfAbsent(s, x -> new ConcurrentHashMap<>());
            Map<Window, T> out = new HashMap<>();
            for (Window d : days) {
                T t = have.get(d);
                if (t != null) {
                    out.put(d, t);
                } else {
                    missing.computeIfAbsent(s, x -> new ArrayList<>()).add(d);
                }
            }
            found.put(s, out);
        });
        if (!missing.isEmpty()) {
            below.read(missing).forEach((s, days) -> {
                held.get(s).putAll(days);
                found.get(s).putAll(days);
            });
        }
        return found;
    }

    @FunctionalInterface
    private interface Reader<T> {
        Map<Series, Map<Window, T>> read(Map<Series, ? extends Collection<Window>> days);
    }
}

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

/**
 * Settled days held in memory over another place that keeps them (the usage cache): each day is read from there
 * once, and a day fetched from UCloud is kept in both. A backtest evaluates thousands of moments over the same
 * days; reading them from the database at every moment would cost more than the evaluation.
 */
public final class HeldDays implements SettledDays {
    private final SettledDays below;
    private final Map<Series, Map<Window, UsageTotals>> totals = new HashMap<>();
    private final Map<Series, Map<Window, List<UsageBucket>>> buckets = new HashMap<>();

    public HeldDays(SettledDays below) {
        this.below = Objects.requireNonNull(below, "below");
    }

    @Override
    public synchronized Map<Series, Map<Window, UsageTotals>> totals(Map<Series, ? extends Collection<Window>> wanted) {
        return readThrough(wanted, totals, below::totals);
    }

    @Override
    public synchronized Map<Series, Map<Window, List<UsageBucket>>> buckets(
            Map<Series, ? extends Collection<Window>> wanted) {
        return readThrough(wanted, buckets, below::buckets);
    }

    @Override
    public synchronized void store(Usage day) {
        below.store(day);
        totals.computeIfAbsent(day.series(), s -> new HashMap<>()).put(day.window(), day.totals());
        buckets.computeIfAbsent(day.series(), s -> new HashMap<>()).put(day.window(), List.copyOf(day.buckets()));
    }

    /** What {@code held} has of {@code wanted}, after asking {@code below} once for all the rest. */
    private static <T> Map<Series, Map<Window, T>> readThrough(Map<Series, ? extends Collection<Window>> wanted,
            Map<Series, Map<Window, T>> held, Reader<T> below) {
        Map<Series, List<Window>> missing = new HashMap<>();
        wanted.forEach((s, days) -> {
            Map<Window, T> have = held.getOrDefault(s, Map.of());
            days.stream().filter(d -> !have.containsKey(d))
                    .forEach(d -> missing.computeIfAbsent(s, x -> new ArrayList<>()).add(d));
        });
        if (!missing.isEmpty()) {
            below.read(missing).forEach((s, days) -> held.computeIfAbsent(s, x -> new HashMap<>()).putAll(days));
        }
        Map<Series, Map<Window, T>> found = new HashMap<>();
        wanted.forEach((s, days) -> {
            Map<Window, T> have = held.getOrDefault(s, Map.of());
            days.stream().filter(have::containsKey)
                    .forEach(d -> found.computeIfAbsent(s, x -> new HashMap<>()).put(d, have.get(d)));
        });
        return found;
    }

    @FunctionalInterface
    private interface Reader<T> {
        Map<Series, Map<Window, T>> read(Map<Series, ? extends Collection<Window>> days);
    }
}

package budgetbot.rules;

import budgetbot.time.Window;
import budgetbot.usage.Series;
import budgetbot.usage.Usage;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * Usage fetched for evaluation: per window (as asked by the evaluator) and series. A pair that was not fetched is
 * a bug in the fetch plan, never "no usage": reading it fails rather than pass for a rule under budget.
 */
public record UsageSnapshot(Map<Window, Map<Series, Usage>> byWindow) {
    public UsageSnapshot {
        byWindow = Map.copyOf(byWindow);
    }

    /**
     * This snapshot plus, for every pair of {@code windows} and {@code series} it lacks, no usage: for pairs known
     * to use nothing without asking (a key that may not call a model), said explicitly rather than by omission.
     */
    public UsageSnapshot withNone(Collection<Window> windows, Collection<Series> series) {
        Map<Window, Map<Series, Usage>> all = new HashMap<>();
        byWindow.forEach((w, m) -> all.put(w, new HashMap<>(m)));
        for (Window w : windows) {
            Map<Series, Usage> m = all.computeIfAbsent(w, x -> new HashMap<>());
            series.forEach(s -> m.putIfAbsent(s, Usage.none(s, w)));
        }
        return new UsageSnapshot(all);
    }

    public Usage get(Window window, Series series) {
        Map<Series, Usage> m = byWindow.get(window);
        Usage u = m == null ? null : m.get(series);
        if (u == null) {
            throw new IllegalStateException("usage of " + series + " over " + window + " was not fetched");
        }
        return u;
    }
}

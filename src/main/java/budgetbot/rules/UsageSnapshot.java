package budgetbot.rules;

import budgetbot.time.Window;
import budgetbot.usage.Series;
import budgetbot.usage.Usage;

import java.util.Map;

/**
 * Usage fetched for evaluation: per window (as asked by the evaluator) and series. A pair that was not fetched is
 * a bug in the fetch plan, never "no usage": reading it fails rather than pass for a rule under budget.
 */
public record UsageSnapshot(Map<Window, Map<Series, Usage>> byWindow) {
    public UsageSnapshot {
        byWindow = Map.copyOf(byWindow);
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

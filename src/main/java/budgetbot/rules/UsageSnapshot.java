package budgetbot.rules;

import budgetbot.time.Window;
import budgetbot.usage.Series;
import budgetbot.usage.Usage;

import java.util.Map;

/** Usage fetched for evaluation: per window (as asked by the evaluator) and series. Missing means none. */
public record UsageSnapshot(Map<Window, Map<Series, Usage>> byWindow) {
    public UsageSnapshot {
        byWindow = Map.copyOf(byWindow);
    }

    public Usage get(Window window, Series series) {
        Map<Series, Usage> m = byWindow.get(window);
        Usage u = m == null ? null : m.get(series);
        return u != null ? u : Usage.none(series, window);
    }
}

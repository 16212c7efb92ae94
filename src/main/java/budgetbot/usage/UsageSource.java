package budgetbot.usage;

import budgetbot.time.Window;

/** Where usage comes from: UCloud's GetUMInferTokenUsage today, a successor API tomorrow. */
public interface UsageSource {
    /**
     * Usage of one series over a window.
     *
     * @throws UsageException when the source fails for good (after its own retries)
     */
    Usage fetch(Series series, Window window);

    /**
     * As {@link #fetch}, in one request where the source has requests: the usage cache asks this for a day, or
     * for the still-open range of at most two days, and counts on one call each.
     */
    default Usage fetchOnce(Series series, Window window) {
        return fetch(series, window);
    }
}

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
}

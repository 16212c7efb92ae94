package budgetbot.usage;

import budgetbot.time.Window;

import java.util.List;
import java.util.Objects;

/** What one series used in one window: the totals and the per-timestamp buckets, ascending by time. */
public record Usage(Series series, Window window, UsageTotals totals, List<UsageBucket> buckets) {
    public Usage {
        Objects.requireNonNull(series, "series");
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(totals, "totals");
        // a lazy list is already unmodifiable, and copying it would compute it
        buckets = buckets instanceof LazyList<UsageBucket> ? buckets : List.copyOf(buckets);
    }

    public static Usage none(Series series, Window window) {
        return new Usage(series, window, UsageTotals.ZERO, List.of());
    }
}

package budgetbot.usage;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * Usage reported for one timestamp of UCloud's {@code Usages} list (the bucket width is not documented).
 *
 * @param other counts of usage types budgetbot does not know, by type name, kept rather than dropped
 */
public record UsageBucket(Instant timestamp, UsageTotals totals, Map<String, Long> other) {
    public UsageBucket {
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(totals, "totals");
        other = Map.copyOf(other);
    }
}

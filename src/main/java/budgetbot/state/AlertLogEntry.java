package budgetbot.state;

import budgetbot.rules.Kind;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Objects;

/**
 * One announcement from the append-only alert log, as digests read it.
 *
 * @param silenced decided while a silence held: recorded, not sent
 */
public record AlertLogEntry(String rule, String condition, String group, String channel, Kind kind,
                            AlertStatus status, BigDecimal level, Instant at, Instant periodStart, boolean silenced) {
    public AlertLogEntry {
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(condition, "condition");
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(periodStart, "periodStart");
    }
}

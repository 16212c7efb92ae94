package budgetbot.state;

import budgetbot.rules.Kind;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The last announced state of one alert (rule, condition, group) on one channel. A record exists only once
 * the alert was announced, so the fired and notified times are always known.
 *
 * @param periodStart  start of the period of the latest announcement
 * @param level        highest level announced in that period
 * @param active       announced and not resolved since
 * @param firstFired   when the current episode was first announced
 * @param lastFired    latest FIRING or ESCALATED announcement
 * @param lastNotified latest announcement of any status; what {@code repeat} counts from
 */
public record AlertRecord(String rule, String condition, String group, String channel, Instant periodStart,
                          Kind kind, BigDecimal level, boolean active, Instant firstFired, Instant lastFired,
                          Instant lastNotified, Optional<Instant> resolvedAt) {
    public AlertRecord {
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(condition, "condition");
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(periodStart, "periodStart");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(firstFired, "firstFired");
        Objects.requireNonNull(lastFired, "lastFired");
        Objects.requireNonNull(lastNotified, "lastNotified");
        Objects.requireNonNull(resolvedAt, "resolvedAt");
    }
}

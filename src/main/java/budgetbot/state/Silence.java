package budgetbot.state;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Mutes the alerts of one rule, or of one of its groups, until {@code endsAt}: while it holds, what would be
 * announced is recorded in the alert log as silenced and not sent; once it ends, a condition that still holds is
 * announced as if it had just been found.
 *
 * @param group empty for every group of the rule
 */
public record Silence(long id, String rule, Optional<String> group, Instant endsAt, String reason, Instant createdAt) {
    public Silence {
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(endsAt, "endsAt");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /** Whether it mutes {@code rule}'s alerts about {@code group} at {@code at}. */
    public boolean mutes(String rule, String group, Instant at) {
        return this.rule.equals(rule) && this.group.map(group::equals).orElse(true) && at.isBefore(endsAt);
    }
}

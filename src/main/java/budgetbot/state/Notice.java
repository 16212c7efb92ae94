package budgetbot.state;

import java.time.Instant;
import java.time.ZoneId;
import java.util.Objects;

/**
 * News about what a rule can see, announced to the rule's channels: a misconfigured scope, usage data that has been
 * unavailable for too long, or its recovery.
 *
 * @param detail what is wrong: the problem with a key or model, or the last error fetching usage
 * @param since  when the problem was first seen
 * @param at     when this is announced
 */
public record Notice(Kind kind, String rule, String detail, Instant since, Instant at, ZoneId zone) {
    public enum Kind {
        /** A key or model the rule names is unknown to UCloud, disabled, expired or not granted. */
        MISCONFIGURED,
        /** The rule's usage could not be fetched for longer than its {@code staleAfter}. */
        UNAVAILABLE,
        /** The rule's usage can be fetched again after it was announced {@link #UNAVAILABLE}. */
        RECOVERED
    }

    public Notice {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(since, "since");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(zone, "zone");
    }
}

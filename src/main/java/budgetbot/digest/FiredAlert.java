package budgetbot.digest;

import java.time.Instant;
import java.util.Objects;

/**
 * An alert that was announced, as the state store remembers it; the digest lists those of its report window.
 *
 * @param rule   the rule's name
 * @param group  the finding's group ({@code all}, a key id, a model, {@code key x model})
 * @param kind   {@code BUDGET}, {@code FORECAST} or {@code GROWTH}
 * @param status   what was announced: {@code firing}, {@code escalated}, {@code reminder}, {@code resolved}
 * @param silenced whether a silence kept it from the channels
 * @param level  the level as people read it, e.g. {@code 80%}
 * @param at     when it was announced
 */
public record FiredAlert(String rule, String group, String kind, String status, boolean silenced, String level,
                         Instant at) {
    public FiredAlert {
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(at, "at");
    }
}

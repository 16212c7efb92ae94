package budgetbot.digest;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A silence holding when the digest is made: its readers should know which alerts they are not getting.
 *
 * @param group empty when it mutes every group of the rule
 */
public record ActiveSilence(String rule, Optional<String> group, Instant until, String reason) {
    public ActiveSilence {
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(until, "until");
        Objects.requireNonNull(reason, "reason");
    }
}

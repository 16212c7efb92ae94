package budgetbot.digest;

import budgetbot.config.RuleConfig;
import budgetbot.usage.Series;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One section of a digest: the series of a covered rule, or the digest's own extra keys x models.
 *
 * @param rule the rule whose budgets and alerts the group shows; empty for the extra keys
 */
public record DigestGroup(String name, Optional<RuleConfig> rule, List<Series> series) {
    public DigestGroup {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(rule, "rule");
        series = List.copyOf(series);
    }
}

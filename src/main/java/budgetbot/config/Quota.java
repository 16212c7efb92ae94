package budgetbot.config;

import java.math.BigDecimal;
import java.util.List;
import java.util.Objects;

/**
 * A rule's watch over each key's own UCloud limits ({@code quota:}): an alert at each threshold of a key's daily and
 * monthly limit, before UCloud starts refusing the key's requests.
 *
 * @param thresholds fractions of the limit, ascending (0.8 = 80%)
 * @param where      where {@code quota:} is written, for what {@code validate --online} finds about it
 */
public record Quota(List<BigDecimal> thresholds, Located where) {
    public Quota {
        thresholds = thresholds.stream().sorted().toList();
        Objects.requireNonNull(where, "where");
    }
}

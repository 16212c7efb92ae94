package budgetbot.config;

import java.math.BigDecimal;
import java.util.List;

/**
 * A rule's watch over each key's own UCloud limits ({@code quota:}): an alert at each threshold of a key's daily and
 * monthly limit, before UCloud starts refusing the key's requests.
 *
 * @param thresholds fractions of the limit, ascending (0.8 = 80%)
 */
public record Quota(List<BigDecimal> thresholds) {
    public Quota {
        thresholds = thresholds.stream().sorted().toList();
    }
}

package budgetbot.rules;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Optional;

/**
 * Where a period is heading.
 *
 * @param total          projected total at the end of the period
 * @param limitReachedAt when the limit will be reached at the projected rate, empty if not within the period;
 *                       when usage is over the limit already, when it was crossed (estimated from the hourly
 *                       usage), empty when that is not known
 * @param method         how it was projected, for the message ("recent rate of the last 3h")
 */
public record Projection(BigDecimal total, Optional<Instant> limitReachedAt, String method) {
}

package budgetbot.rules;

import budgetbot.usage.Series;

import java.math.BigDecimal;

/** One series behind a group's total: its value of the metric and its share of the total (0..1). */
public record Contributor(Series series, BigDecimal value, BigDecimal share) {
}

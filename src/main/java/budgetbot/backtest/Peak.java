package budgetbot.backtest;

import budgetbot.rules.Finding;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Objects;

/**
 * The highest a rule's budgets or growth checks came during a backtest.
 *
 * @param finding the condition of one group at that moment
 * @param value   its share of the budget's limit (0.93), or its increase over the previous period (0.34 = +34%)
 */
public record Peak(Instant at, Finding finding, BigDecimal value) {
    public Peak {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(finding, "finding");
        Objects.requireNonNull(value, "value");
    }

    static Peak higher(Peak a, Peak b) {
        return a == null || b.value.compareTo(a.value) > 0 ? b : a;
    }
}

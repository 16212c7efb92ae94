package budgetbot.config;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.Objects;

/**
 * What a budget does to its group's key through UCloud once usage reaches a share of its limit ({@code action:}).
 *
 * @param at             the share of the limit that triggers it (1 = 100%)
 * @param what           what it does to the key
 * @param approval       whether a person approves it first
 * @param untilPeriodEnd undo it when the budget's period ends ({@code until: periodEnd})
 * @param where          where {@code action:} is written, for what {@code validate --online} finds about it
 */
public record BudgetAction(BigDecimal at, Do what, Approval approval, boolean untilPeriodEnd, Located where) {
    public BudgetAction {
        Objects.requireNonNull(where, "where");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(what, "what");
        Objects.requireNonNull(approval, "approval");
    }

    /** {@code do:} what happens to the key. */
    public enum Do {
        /** {@code ModelverseDisabled=1}: UCloud refuses every request of the key. */
        DISABLE,
        /** The key's UCloud daily or monthly limit becomes the budget's limit. */
        CAP;

        public String yamlName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** {@code approval:} who decides. */
    public enum Approval {
        /** It waits until someone runs {@code action approve ID} (or rejects it). */
        MANUAL,
        /** It is carried out at once. */
        AUTO;

        public String yamlName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}

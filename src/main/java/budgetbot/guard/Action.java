package budgetbot.guard;

import budgetbot.config.BudgetAction;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One budget action on one key, as the audit table keeps it.
 *
 * @param condition the budget's condition ({@code budget[0]:cost/day}); with rule, group and period it happens once
 * @param field     what it sets in UCloud: {@code ModelverseDisabled}, {@code DailyLimitAmount} or
 *                  {@code MonthlyLimitAmount}
 * @param target    the value it sets
 * @param before    the field's value UCloud listed just before acting: what a revert restores; empty until the change is about to be sent
 */
public record Action(long id, String rule, String condition, String group, Instant periodStart, Instant periodEnd,
                     String keyId, BudgetAction.Do what, String field, String target, BudgetAction.Approval approval,
                     boolean untilPeriodEnd, Status status, Optional<String> before, Instant createdAt,
                     Instant updatedAt) {
    public Action {
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(keyId, "keyId");
        Objects.requireNonNull(what, "what");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(before, "before");
    }

    /** Where an action stands. */
    public enum Status {
        /** Waits for {@code action approve} or {@code action reject}. */
        PENDING,
        /** One instance is sending it to UCloud (left so for ten minutes, it counts as interrupted). */
        APPLYING,
        /** UCloud changed the key. */
        APPLIED,
        /** Someone said no; UCloud was never asked. */
        REJECTED,
        /** UCloud refused the change (or could not be reached); the key is as it was. */
        FAILED,
        /** One instance is undoing it (left so for ten minutes, it counts as interrupted). */
        REVERTING,
        /** Undone: the key has its values from before again. */
        REVERTED
    }

    /** "disable uminferapikey-prod (ModelverseDisabled=1)". */
    public String describe() {
        return what.yamlName() + " " + keyId + " (" + field + "=" + target + ")";
    }
}

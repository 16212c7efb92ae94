package budgetbot.usage;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * A key's own spending limits in UCloud and what it used of them, as {@code ListUMInferAPIKey} reports them: money in
 * the account's billing currency. UCloud refuses the key's requests once a limit is reached.
 *
 * @param daily              {@code DailyLimitAmount} and {@code DailyUsedAmount}
 * @param monthly            {@code MonthlyLimitAmount} and {@code MonthlyUsedAmount}
 * @param modelverseDisabled {@code ModelverseDisabled}: the key is cut off from the model service
 */
public record KeyLimits(Limit daily, Limit monthly, boolean modelverseDisabled) {
    /** No limits, enabled: what a listing without the fields means. */
    public static final KeyLimits NONE = new KeyLimits(Limit.NONE, Limit.NONE, false);

    public KeyLimits {
        Objects.requireNonNull(daily, "daily");
        Objects.requireNonNull(monthly, "monthly");
    }

    /**
     * One limit and its use; a limit of zero is none (UCloud lists "0" or nothing).
     *
     * @param amount the limit, zero for none
     * @param used   spent against it in the current day or month
     */
    public record Limit(BigDecimal amount, BigDecimal used) {
        public static final Limit NONE = new Limit(BigDecimal.ZERO, BigDecimal.ZERO);

        public Limit {
            Objects.requireNonNull(amount, "amount");
            Objects.requireNonNull(used, "used");
            if (amount.signum() < 0 || used.signum() < 0) {
                throw new IllegalArgumentException("negative limit or use: " + amount + ", " + used);
            }
        }

        public boolean limited() {
            return amount.signum() > 0;
        }

        /** Whether UCloud refuses the key's requests now: a limit that is used up. */
        public boolean reached() {
            return limited() && used.compareTo(amount) >= 0;
        }
    }
}

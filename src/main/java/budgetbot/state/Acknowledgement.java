package budgetbot.state;

import budgetbot.rules.Finding;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Objects;

/**
 * Someone acknowledged a condition of an alert: no reminders in its period while its level is at most the one
 * acknowledged. An escalation is announced all the same, and its reminders go out until it is acknowledged too.
 */
public record Acknowledgement(String rule, String group, Condition condition, String userId, String userName,
                              Instant at) {
    public Acknowledgement {
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(condition, "condition");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(userName, "userName");
        Objects.requireNonNull(at, "at");
    }

    /**
     * One condition as a message announced it.
     *
     * @param periodStart the start of the period it was announced in
     * @param level       the level it was announced at
     */
    public record Condition(String condition, Instant periodStart, BigDecimal level) {
        public Condition {
            Objects.requireNonNull(condition, "condition");
            Objects.requireNonNull(periodStart, "periodStart");
            Objects.requireNonNull(level, "level");
        }
    }

    /** Whether it holds back the reminders of {@code f}: the same condition, group and period, no higher level. */
    public boolean covers(Finding f) {
        return rule.equals(f.rule()) && group.equals(f.group()) && condition.condition().equals(f.condition())
                && condition.periodStart().equals(f.window().start()) && f.level().compareTo(condition.level()) <= 0;
    }
}

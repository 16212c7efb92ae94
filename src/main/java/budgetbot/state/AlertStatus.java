package budgetbot.state;

/** Why an alert is being announced. */
public enum AlertStatus {
    /** First announcement of this condition in this period. */
    FIRING,
    /** A higher threshold was reached than the one announced. */
    ESCALATED,
    /** Still holding after the rule's {@code repeat} interval. */
    REMINDER,
    /** A growth condition that was announced no longer holds. */
    RESOLVED
}

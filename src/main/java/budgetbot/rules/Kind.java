package budgetbot.rules;

/** What kind of condition a finding is about. */
public enum Kind {
    /** Usage so far reached a threshold of a budget. */
    BUDGET,
    /** The period's projected total crosses the budget's limit before the actual total does. */
    FORECAST,
    /** Usage so far grew against the same elapsed span of the previous period. */
    GROWTH,
    /** The last complete hour is far above the usual value for its hour of the week. */
    ANOMALY,
    /** A key used a threshold of its own UCloud daily or monthly limit, at which UCloud refuses its requests. */
    QUOTA
}

package budgetbot.simulator;

import java.time.DayOfWeek;

/** The shape of the simulator's usage over time; both have quiet nights and an afternoon peak in China time. */
public enum Rhythm {
    /** Every day alike, with ±30 % noise per hour: budgets and growth have something to do. */
    DAILY(0.7, 0.6),
    /**
     * As people use a model over a week: weekends at 35 %, Monday mornings ramping up (70 % before noon), ±10 %
     * noise per hour; what anomaly checks must stay quiet on.
     */
    WEEKLY(0.9, 0.2);

    private static final double WEEKEND = 0.35;
    private static final double MONDAY_MORNING = 0.7;

    /** The noise factor is uniform in {@code [low, low + span)}. */
    private final double low;
    private final double span;

    Rhythm(double low, double span) {
        this.low = low;
        this.span = span;
    }

    /** The factor of an hour, from its local day and hour and a uniform draw {@code u} in [0, 1). */
    double factor(DayOfWeek day, int hourOfDay, double u) {
        double week = this == DAILY ? 1 : day == DayOfWeek.SATURDAY || day == DayOfWeek.SUNDAY ? WEEKEND
                : day == DayOfWeek.MONDAY && hourOfDay < 12 ? MONDAY_MORNING : 1;
        return week * (low + span * u);
    }
}

package budgetbot.time;

import java.util.Locale;

/** A calendar period; aligned in the configured timezone by {@link budgetbot.time.PeriodCalendar}. */
public enum PeriodUnit {
    HOUR, DAY, WEEK, MONTH;

    public String yamlName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** "hourly", "daily", ... for messages such as "80% of daily token budget used". */
    public String adjective() {
        return this == DAY ? "daily" : yamlName() + "ly";
    }
}

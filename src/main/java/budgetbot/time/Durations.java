package budgetbot.time;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Spans of time in the words messages use. */
public final class Durations {
    private Durations() {
    }

    /** {@code 3h}, {@code 2d 4h}, {@code 40m}: days, hours and minutes, leaving out what is zero; seconds are dropped. */
    public static String human(Duration d) {
        List<String> parts = new ArrayList<>();
        if (d.toDays() > 0) {
            parts.add(d.toDays() + "d");
        }
        if (d.toHoursPart() > 0) {
            parts.add(d.toHoursPart() + "h");
        }
        if (d.toMinutesPart() > 0 || parts.isEmpty()) {
            parts.add(d.toMinutesPart() + "m");
        }
        return String.join(" ", parts);
    }
}

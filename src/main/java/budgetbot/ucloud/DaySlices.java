package budgetbot.ucloud;

import budgetbot.time.Window;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/** Cuts windows longer than a day at local midnights, because UCloud times out on long windows. */
final class DaySlices {
    private DaySlices() {
    }

    /** The window itself when it spans at most one day, else its pieces between midnights in {@code zone}. */
    static List<Window> split(Window window, ZoneId zone) {
        if (window.length().compareTo(Duration.ofDays(1)) <= 0) {
            return List.of(window);
        }
        List<Window> slices = new ArrayList<>();
        Instant start = window.start();
        while (start.isBefore(window.end())) {
            Instant midnight = start.atZone(zone).toLocalDate().plusDays(1).atStartOfDay(zone).toInstant();
            Instant end = midnight.isBefore(window.end()) ? midnight : window.end();
            slices.add(new Window(start, end));
            start = end;
        }
        return List.copyOf(slices);
    }
}

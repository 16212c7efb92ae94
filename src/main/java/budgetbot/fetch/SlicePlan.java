package budgetbot.fetch;

import budgetbot.time.Window;

import java.time.Instant;
import java.time.ZoneId;
import java.util.Collection;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * How the windows of one series are served. A local day that ended at least the settle time ago is <em>closed</em>:
 * fetched once, whole, and kept. Everything after the start of the first day that is not closed is <em>open</em>
 * and fetched afresh, in one request covering the open part of every window.
 *
 * @param closedDays the closed days the windows touch, in time order
 * @param open       the open range, empty when no window reaches it
 * @param partial    the closed days some window covers only in part: their buckets are summed
 * @param parts      per window, the closed days and the open range it overlaps, in time order
 */
record SlicePlan(SortedSet<Window> closedDays, Optional<Window> open, Set<Window> partial,
                 Map<Window, List<Window>> parts) {
    static SlicePlan of(Collection<Window> windows, ZoneId zone, Instant settledBefore) {
        Instant boundary = startOfDay(settledBefore, zone);
        SortedSet<Window> days = new TreeSet<>(Comparator.comparing(Window::start));
        Instant openStart = null;
        Instant openEnd = null;
        for (Window w : windows) {
            if (w.length().isZero()) {
                continue;
            }
            Instant closedEnd = min(w.end(), boundary);
            for (Instant day = startOfDay(w.start(), zone); day.isBefore(closedEnd); day = nextDay(day, zone)) {
                days.add(new Window(day, nextDay(day, zone)));
            }
            if (w.end().isAfter(boundary)) {
                Instant start = max(w.start(), boundary);
                openStart = openStart == null ? start : min(openStart, start);
                openEnd = openEnd == null ? w.end() : max(openEnd, w.end());
            }
        }
        Optional<Window> open = openStart == null ? Optional.empty() : Optional.of(new Window(openStart, openEnd));
        Set<Window> partial = new HashSet<>();
        Map<Window, List<Window>> parts = new HashMap<>();
        for (Window w : windows) {
            List<Window> overlapping = new ArrayList<>();
            for (Window day : days) {
                if (overlaps(day, w)) {
                    overlapping.add(day);
                    if (!within(day, w)) {
                        partial.add(day);
                    }
                }
            }
            open.filter(o -> overlaps(o, w)).ifPresent(overlapping::add);
            parts.put(w, List.copyOf(overlapping));
        }
        return new SlicePlan(days, open, Set.copyOf(partial), Map.copyOf(parts));
    }

    static boolean overlaps(Window a, Window b) {
        return a.start().isBefore(b.end()) && b.start().isBefore(a.end());
    }

    static boolean within(Window inner, Window outer) {
        return !inner.start().isBefore(outer.start()) && !inner.end().isAfter(outer.end());
    }

    private static Instant startOfDay(Instant t, ZoneId zone) {
        return t.atZone(zone).toLocalDate().atStartOfDay(zone).toInstant();
    }

    private static Instant nextDay(Instant dayStart, ZoneId zone) {
        return dayStart.atZone(zone).toLocalDate().plusDays(1).atStartOfDay(zone).toInstant();
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    private static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }
}

package budgetbot.time;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.time.zone.ZoneOffsetTransition;
import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Calendar periods as people in the configured timezone see them: days start at local midnight,
 * weeks on {@code weekStart}, months on {@code monthStartDay} (a billing day, 1..28, so that every month has it).
 */
public record PeriodCalendar(ZoneId zone, DayOfWeek weekStart, int monthStartDay) {
    public PeriodCalendar {
        Objects.requireNonNull(zone, "zone");
        Objects.requireNonNull(weekStart, "weekStart");
        if (monthStartDay < 1 || monthStartDay > 28) {
            throw new IllegalArgumentException("monthStartDay must be 1..28: " + monthStartDay);
        }
    }

    public static PeriodCalendar of(ZoneId zone) {
        return new PeriodCalendar(zone, DayOfWeek.MONDAY, 1);
    }

    /** The whole period that contains {@code at}. */
    public Window periodOf(PeriodUnit unit, Instant at) {
        ZonedDateTime start = startOf(unit, at.atZone(zone));
        return new Window(start.toInstant(), next(unit, start).toInstant());
    }

    /** The current period up to {@code at}: {@code [period start, at)}. */
    public Window soFar(PeriodUnit unit, Instant at) {
        return new Window(periodOf(unit, at).start(), at);
    }

    /** The whole period before the one that contains {@code at}. */
    public Window previous(PeriodUnit unit, Instant at) {
        Window current = periodOf(unit, at);
        return periodOf(unit, current.start().minusSeconds(1));
    }

    /**
     * The same span of the previous period by the wall clock: at 10:37 on a day, yesterday 00:00 to 10:37, however
     * long either day was (a daylight-saving switch makes one 23 or 25 hours). For weeks and months the span is as
     * many days and the same time of day into the previous period; for hours, the same minutes. The end is capped
     * at the previous period's end (day 31 of a month against a 30-day one), and a wall-clock time the previous
     * period skipped (a switch to summer time) is taken as the end of that gap.
     */
    public Window previousSameSpan(PeriodUnit unit, Instant at) {
        Window current = periodOf(unit, at);
        Window previous = previous(unit, at);
        Instant end = unit == PeriodUnit.HOUR
                ? previous.start().plus(Duration.between(current.start(), at))
                : sameWallClock(current.start(), previous.start(), at);
        return new Window(previous.start(), end.isAfter(previous.end()) ? previous.end() : end);
    }

    /** The instant as far into the period starting at {@code to} as {@code at} is into the one at {@code from}. */
    private Instant sameWallClock(Instant from, Instant to, Instant at) {
        LocalDateTime local = at.atZone(zone).toLocalDateTime();
        long days = ChronoUnit.DAYS.between(from.atZone(zone).toLocalDate(), local.toLocalDate());
        LocalDateTime target = to.atZone(zone).toLocalDate().plusDays(days).atTime(local.toLocalTime());
        ZoneOffsetTransition gap = zone.getRules().getTransition(target);
        if (gap != null && gap.isGap()) {
            return gap.getInstant();
        }
        // in an overlap (a switch back to winter time) the earlier of the two instants
        return ZonedDateTime.ofLocal(target, zone, null).toInstant();
    }

    private ZonedDateTime startOf(PeriodUnit unit, ZonedDateTime t) {
        LocalDate day = t.toLocalDate();
        return switch (unit) {
            case HOUR -> hourStart(t);
            // atStartOfDay, not truncation: where midnight is skipped, the day starts when the gap ends
            case DAY -> day.atStartOfDay(zone);
            case WEEK -> day.with(TemporalAdjusters.previousOrSame(weekStart)).atStartOfDay(zone);
            case MONTH -> {
                LocalDate start = billingDay(day.withDayOfMonth(1));
                if (day.isBefore(start)) {
                    start = billingDay(day.withDayOfMonth(1).minusMonths(1));
                }
                yield start.atStartOfDay(zone);
            }
        };
    }

    private ZonedDateTime next(PeriodUnit unit, ZonedDateTime start) {
        return switch (unit) {
            case HOUR -> nextHour(start);
            case DAY -> start.toLocalDate().plusDays(1).atStartOfDay(zone);
            case WEEK -> start.toLocalDate().plusWeeks(1).atStartOfDay(zone);
            case MONTH -> billingDay(start.toLocalDate().withDayOfMonth(1).plusMonths(1)).atStartOfDay(zone);
        };
    }

    /**
     * The last instant at or before {@code t} whose wall clock shows a whole hour. Switches of 30 minutes (Lord Howe
     * Island) make such an hour 30 or 90 minutes long, which keeps hours tiling time without gaps or overlaps.
     */
    private ZonedDateTime hourStart(ZonedDateTime t) {
        return wholeHour(t.toLocalDateTime().truncatedTo(ChronoUnit.HOURS), -1,
                i -> !i.isAfter(t.toInstant()), Comparator.reverseOrder());
    }

    /**
     * The first instant after {@code start} whose wall clock shows a whole hour; the search starts at the same
     * wall-clock hour, which a switch back to winter time shows twice.
     */
    private ZonedDateTime nextHour(ZonedDateTime start) {
        return wholeHour(start.toLocalDateTime().truncatedTo(ChronoUnit.HOURS), 1,
                i -> i.isAfter(start.toInstant()), Comparator.naturalOrder());
    }

    /**
     * Walks wall-clock hours from {@code hour} in {@code step}s until one has an instant that {@code accept}s (a
     * skipped hour has none, a repeated one two), and returns the first of those by {@code order}.
     */
    private ZonedDateTime wholeHour(LocalDateTime hour, int step, Predicate<Instant> accept, Comparator<Instant> order) {
        for (LocalDateTime h = hour; ; h = h.plusHours(step)) {
            LocalDateTime local = h;
            Optional<Instant> found = zone.getRules().getValidOffsets(h).stream().map(local::toInstant)
                    .filter(accept).min(order);
            if (found.isPresent()) {
                return found.get().atZone(zone);
            }
        }
    }

    private LocalDate billingDay(LocalDate firstOfMonth) {
        return firstOfMonth.withDayOfMonth(monthStartDay);
    }
}

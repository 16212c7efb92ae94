package budgetbot.time;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.Objects;

/**
 * Calendar periods as people in the configured timezone see them: days start at local midnight,
 * weeks on {@code weekStart}, months on {@code monthStartDay} (a billing day; clamped to the month's length).
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
     * The same elapsed span of the previous period: at 10:37 on a day, yesterday 00:00 to 10:37.
     * The span is capped at the previous period's end (a 31-day month vs a 30-day one).
     */
    public Window previousSameSpan(PeriodUnit unit, Instant at) {
        Window current = soFar(unit, at);
        Window previous = previous(unit, at);
        Instant end = previous.start().plus(current.length());
        return new Window(previous.start(), end.isAfter(previous.end()) ? previous.end() : end);
    }

    private ZonedDateTime startOf(PeriodUnit unit, ZonedDateTime t) {
        return switch (unit) {
            case HOUR -> t.truncatedTo(ChronoUnit.HOURS);
            case DAY -> t.truncatedTo(ChronoUnit.DAYS);
            case WEEK -> t.truncatedTo(ChronoUnit.DAYS).with(TemporalAdjusters.previousOrSame(weekStart));
            case MONTH -> {
                LocalDate day = t.toLocalDate();
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
            case HOUR -> start.plusHours(1);
            case DAY -> start.toLocalDate().plusDays(1).atStartOfDay(zone);
            case WEEK -> start.toLocalDate().plusWeeks(1).atStartOfDay(zone);
            case MONTH -> billingDay(start.toLocalDate().withDayOfMonth(1).plusMonths(1)).atStartOfDay(zone);
        };
    }

    private LocalDate billingDay(LocalDate firstOfMonth) {
        return firstOfMonth.withDayOfMonth(monthStartDay);
    }
}

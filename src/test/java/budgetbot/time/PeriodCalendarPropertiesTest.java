package budgetbot.time;

import budgetbot.testing.Seeded;
import org.junit.jupiter.api.Test;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.zone.ZoneOffsetTransition;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Properties of calendar periods across zones with daylight saving and odd offsets, every week start and billing
 * day, through Februaries and leap years: periods tile time, and "the same span of the previous period" follows
 * the wall clock.
 */
class PeriodCalendarPropertiesTest {
    private static final List<ZoneId> ZONES = List.of("Europe/Berlin", "America/New_York", "Australia/Lord_Howe",
            "Asia/Kolkata", "Pacific/Chatham", "Asia/Shanghai", "America/Santiago", "UTC").stream().map(ZoneId::of).toList();
    /** 2023-01-01 .. 2029-12-31: the leap years 2024 and 2028 included. */
    private static final long FROM = Instant.parse("2023-01-01T00:00:00Z").getEpochSecond();
    private static final long TO = Instant.parse("2029-12-31T00:00:00Z").getEpochSecond();
    private static final int CASES = 4000;

    private static PeriodCalendar calendar(Seeded g) {
        return new PeriodCalendar(g.oneOf(ZONES), g.oneOf(DayOfWeek.values()), g.between(1, 28));
    }

    /** Anywhere in the years, or within two days of one of the zone's switches, where mistakes live. */
    private static Instant instant(Seeded g, ZoneId zone) {
        List<ZoneOffsetTransition> switches = zone.getRules().getTransitions().stream()
                .filter(t -> t.getInstant().getEpochSecond() >= FROM && t.getInstant().getEpochSecond() <= TO).toList();
        if (switches.isEmpty() || g.chance(0.3)) {
            return Instant.ofEpochSecond(g.between(FROM, TO));
        }
        ZoneOffsetTransition t = g.oneOf(switches);
        // whole minutes and hours near the switch as well as odd seconds
        long offset = g.chance(0.5) ? g.between(-48, 48) * 1800L : g.between(-2 * 86400L, 2 * 86400L);
        return t.getInstant().plusSeconds(offset);
    }

    @Test
    void everyInstantLiesInExactlyOnePeriodAndPeriodsTile() {
        Seeded.cases(CASES, g -> {
            PeriodCalendar cal = calendar(g);
            Instant at = instant(g, cal.zone());
            PeriodUnit unit = g.oneOf(PeriodUnit.values());
            Window p = cal.periodOf(unit, at);
            String what = unit + " of " + at + " in " + cal;

            assertThat(p.contains(at)).as("%s: %s contains it", what, p).isTrue();
            assertThat(p.length()).as(what).isPositive();
            assertThat(cal.periodOf(unit, p.start())).as(what).isEqualTo(p);
            assertThat(cal.periodOf(unit, p.end().minusNanos(1))).as(what).isEqualTo(p);
            assertThat(cal.periodOf(unit, p.end()).start()).as("%s: the next starts where it ends", what)
                    .isEqualTo(p.end());
            assertThat(cal.previous(unit, at).end()).as("%s: the previous ends where it starts", what)
                    .isEqualTo(p.start());
        });
    }

    /**
     * The start of each period against an oracle that shares nothing with the code: the earliest second from which on
     * the wall clock names the same period as at {@code at} (the same local day; the same week counted from
     * {@code weekStart}; the same billing month; the same local hour at the same offset), found by bisecting the
     * seconds before {@code at}.
     */
    @Test
    void periodsStartWhereABisectionOfTheWallClockFindsTheirFirstSecond() {
        Seeded.cases(CASES, g -> {
            PeriodCalendar cal = calendar(g);
            Instant at = instant(g, cal.zone());
            PeriodUnit unit = g.oneOf(PeriodUnit.values());

            assertThat(cal.periodOf(unit, at).start()).as("%s of %s in %s", unit, at, cal)
                    .isEqualTo(firstSecondOfTheSamePeriod(cal, unit, at));
        });
    }

    private static Instant firstSecondOfTheSamePeriod(PeriodCalendar cal, PeriodUnit unit, Instant at) {
        Object period = wallClockPeriod(cal, unit, at);
        long lo = at.getEpochSecond() - 33L * 86400;   // further back than any period is long
        long hi = at.getEpochSecond();                 // the same period, by definition
        while (lo + 1 < hi) {
            long mid = lo + (hi - lo) / 2;
            if (wallClockPeriod(cal, unit, Instant.ofEpochSecond(mid)).equals(period)) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        return Instant.ofEpochSecond(hi);
    }

    /** What the wall clock at {@code t} says the period is, as a value equal for every second of the period. */
    private static Object wallClockPeriod(PeriodCalendar cal, PeriodUnit unit, Instant t) {
        ZonedDateTime local = t.atZone(cal.zone());
        LocalDate day = local.toLocalDate();
        return switch (unit) {
            case HOUR -> List.of(day, local.getHour(), local.getOffset());
            case DAY -> day;
            case WEEK -> day.minusDays(Math.floorMod(day.getDayOfWeek().getValue() - cal.weekStart().getValue(), 7));
            case MONTH -> day.getDayOfMonth() >= cal.monthStartDay() ? YearMonth.from(day)
                    : YearMonth.from(day).minusMonths(1);
        };
    }

    @Test
    void theSameSpanOfThePreviousPeriodFollowsTheWallClock() {
        Seeded.cases(CASES, g -> {
            PeriodCalendar cal = calendar(g);
            ZoneId zone = cal.zone();
            Instant at = instant(g, zone);
            PeriodUnit unit = g.oneOf(PeriodUnit.DAY, PeriodUnit.WEEK, PeriodUnit.MONTH);
            Window previous = cal.previous(unit, at);
            Window span = cal.previousSameSpan(unit, at);
            String what = unit + " at " + at + " in " + cal + ": " + span;

            assertThat(span.start()).as(what).isEqualTo(previous.start());
            assertThat(span.end()).as(what).isBetween(previous.start(), previous.end());
            if (span.end().equals(previous.end())) {
                return; // capped: the previous period was shorter than the part of this one so far
            }
            LocalTime wanted = at.atZone(zone).toLocalTime();
            LocalDate endDay = span.end().atZone(zone).toLocalDate();
            ZoneOffsetTransition gap = zone.getRules().getTransition(endDay.atTime(wanted));
            if (gap != null && gap.isGap()) {
                assertThat(span.end()).as("%s: a skipped time ends at its gap", what).isEqualTo(gap.getInstant());
            } else {
                assertThat(span.end().atZone(zone).toLocalTime()).as("%s: same time of day", what).isEqualTo(wanted);
            }
            long intoCurrent = ChronoUnit.DAYS.between(cal.periodOf(unit, at).start().atZone(zone).toLocalDate(),
                    at.atZone(zone).toLocalDate());
            long intoPrevious = ChronoUnit.DAYS.between(previous.start().atZone(zone).toLocalDate(), endDay);
            assertThat(intoPrevious).as("%s: as many days in", what).isEqualTo(intoCurrent);
        });
    }

    @Test
    void aDailySpanOnAndAfterASwitchDayComparesTheSameWallClockSpan() {
        ZoneId berlin = ZoneId.of("Europe/Berlin");
        PeriodCalendar cal = PeriodCalendar.of(berlin);
        // the days of Berlin's 2026 switches (29 March, 25 October) and the days after them
        for (String day : List.of("2026-03-29", "2026-03-30", "2026-10-25", "2026-10-26")) {
            for (int minute = 4 * 60; minute < 24 * 60; minute += 37) {
                Instant at = LocalDate.parse(day).atTime(LocalTime.of(minute / 60, minute % 60)).atZone(berlin)
                        .toInstant();
                Window yesterday = cal.previousSameSpan(PeriodUnit.DAY, at);

                assertThat(yesterday.start().atZone(berlin).toLocalTime()).isEqualTo(LocalTime.MIDNIGHT);
                assertThat(yesterday.end().atZone(berlin).toLocalTime()).as("%s %s", day, at)
                        .isEqualTo(at.atZone(berlin).toLocalTime());
            }
        }
    }

    @Test
    void everyBillingDayTilesThroughTheFebruaryOfALeapYear() {
        for (int day = 1; day <= 28; day++) {
            PeriodCalendar cal = new PeriodCalendar(ZoneId.of("Europe/Berlin"), DayOfWeek.MONDAY, day);
            Instant t = Instant.parse("2023-12-01T00:00:00Z");
            for (int i = 0; i < 15; i++) {
                Window p = cal.periodOf(PeriodUnit.MONTH, t);
                assertThat(p.start().atZone(cal.zone()).getDayOfMonth()).isEqualTo(day);
                assertThat(cal.periodOf(PeriodUnit.MONTH, p.end()).start()).isEqualTo(p.end());
                t = p.end();
            }
        }
    }
}

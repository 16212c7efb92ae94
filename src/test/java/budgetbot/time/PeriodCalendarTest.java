package budgetbot.time;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneId;

import static org.assertj.core.api.Assertions.assertThat;

class PeriodCalendarTest {
    private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");

    @ParameterizedTest(name = "{0} of {1} (week {2}, month day {3}) is {4} .. {5}")
    @CsvSource({
            "HOUR,  2026-11-27T10:37:00+08:00, MONDAY, 1, 2026-11-27T10:00+08:00, 2026-11-27T11:00+08:00",
            // 23:30 UTC is already the next day in Shanghai
            "DAY,   2026-11-26T23:30:00Z,      MONDAY, 1, 2026-11-27T00:00+08:00, 2026-11-28T00:00+08:00",
            "WEEK,  2026-11-27T10:00:00+08:00, MONDAY, 1, 2026-11-23T00:00+08:00, 2026-11-30T00:00+08:00",
            "WEEK,  2026-11-27T10:00:00+08:00, SUNDAY, 1, 2026-11-22T00:00+08:00, 2026-11-29T00:00+08:00",
            "MONTH, 2026-12-31T23:59:59+08:00, MONDAY, 1, 2026-12-01T00:00+08:00, 2027-01-01T00:00+08:00",
            "MONTH, 2026-02-28T12:00:00+08:00, MONDAY, 1, 2026-02-01T00:00+08:00, 2026-03-01T00:00+08:00",
            "MONTH, 2026-11-10T12:00:00+08:00, MONDAY, 15, 2026-10-15T00:00+08:00, 2026-11-15T00:00+08:00",
            "MONTH, 2026-11-15T00:00:00+08:00, MONDAY, 15, 2026-11-15T00:00+08:00, 2026-12-15T00:00+08:00",
    })
    void periodOf(PeriodUnit unit, String at, DayOfWeek weekStart, int monthDay, String start, String end) {
        PeriodCalendar cal = new PeriodCalendar(SHANGHAI, weekStart, monthDay);
        Window w = cal.periodOf(unit, Instant.from(java.time.format.DateTimeFormatter.ISO_OFFSET_DATE_TIME.parse(at)));
        assertThat(w.start()).isEqualTo(java.time.OffsetDateTime.parse(start).toInstant());
        assertThat(w.end()).isEqualTo(java.time.OffsetDateTime.parse(end).toInstant());
    }

    @ParameterizedTest
    @CsvSource({
            "DAY,   2026-11-27T10:37:00+08:00, 2026-11-26T00:00+08:00, 2026-11-26T10:37+08:00",
            // March has 31 days, February 28: the span is capped at February's end
            "MONTH, 2026-03-31T12:00:00+08:00, 2026-02-01T00:00+08:00, 2026-03-01T00:00+08:00",
    })
    void previousSameSpan(PeriodUnit unit, String at, String start, String end) {
        PeriodCalendar cal = PeriodCalendar.of(SHANGHAI);
        Window w = cal.previousSameSpan(unit, java.time.OffsetDateTime.parse(at).toInstant());
        assertThat(w).isEqualTo(new Window(java.time.OffsetDateTime.parse(start).toInstant(),
                java.time.OffsetDateTime.parse(end).toInstant()));
    }
}

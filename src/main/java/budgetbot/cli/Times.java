package budgetbot.cli;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.TemporalAccessor;

/**
 * Parses the times users type: ISO-8601 with an offset or zone ({@code 2026-11-27T10:00+08:00},
 * {@code 2026-11-27T10:00+08:00[Asia/Shanghai]}), a local date or date-time
 * read in the configured timezone ({@code 2026-11-27}, {@code 2026-11-27T10:00}), unix seconds, or {@code now}.
 */
final class Times {
    private Times() {
    }

    static Instant parse(String text, ZoneId zone, Instant now) {
        String s = text.trim();
        if (s.equalsIgnoreCase("now")) {
            return now;
        }
        if (s.matches("\\d{9,11}")) {
            return Instant.ofEpochSecond(Long.parseLong(s));
        }
        try {
            if (s.length() == 10) {
                return LocalDate.parse(s).atStartOfDay(zone).toInstant();
            }
            TemporalAccessor t = DateTimeFormatter.ISO_DATE_TIME.parseBest(s, ZonedDateTime::from, LocalDateTime::from);
            return t instanceof ZonedDateTime z ? z.toInstant() : ((LocalDateTime) t).atZone(zone).toInstant();
        } catch (DateTimeException e) {
            throw new InputException("cannot read time '" + text + "': use ISO-8601 "
                    + "(2026-11-27T10:00+08:00, 2026-11-27, 2026-11-27T10:00 in the config's timezone), unix seconds or 'now'");
        }
    }
}

package budgetbot.cli;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;

/**
 * Parses the times users type: ISO-8601 with an offset ({@code 2026-11-27T10:00+08:00}), a local date or date-time
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
            if (s.endsWith("Z") || s.matches(".*[+-]\\d\\d:?\\d\\d$")) {
                return s.contains("[") ? ZonedDateTime.parse(s).toInstant() : OffsetDateTime.parse(s).toInstant();
            }
            return LocalDateTime.parse(s).atZone(zone).toInstant();
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("cannot read time '" + text + "': use ISO-8601 "
                    + "(2026-11-27T10:00+08:00, 2026-11-27, 2026-11-27T10:00 in the config's timezone), unix seconds or 'now'");
        }
    }
}

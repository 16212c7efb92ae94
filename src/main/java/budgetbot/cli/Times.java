package budgetbot.cli;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.TemporalAccessor;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the times users type, for every command's {@code --at}, {@code --from}, {@code --to}, {@code --before}
 * and {@code --until}: ISO-8601 with an offset or zone ({@code 2026-11-27T10:00+08:00},
 * {@code 2026-11-27T10:00+08:00[Asia/Shanghai]}), a local date or date-time read in the configured timezone
 * ({@code 2026-11-27}, {@code 2026-11-27T10:00}), unix seconds, {@code now}, or a span from now ({@code +4h},
 * {@code -7d}, {@code +1 day}, {@code +90 minutes}).
 */
final class Times {
    /** Every accepted form, for option descriptions and the error; keep it in step with {@link #parse}. */
    static final String FORMS = "ISO-8601 (2026-11-27T10:00+08:00; 2026-11-27 or 2026-11-27T10:00 in the config's "
            + "timezone), unix seconds, 'now', or a span from now: +30m, +4h, +2d, +1w, -7d ('+90 minutes', "
            + "'+1 day' and 'now+4h' too)";
    /** A sign, a whole number and a unit a person would write; a capital M (months?) is not minutes. */
    private static final Pattern SPAN = Pattern.compile(
            "(?i:now)?\\s*([+-])\\s*([0-9]{1,9})\\s*(m|(?i:mins?|minutes?|h|hrs?|hours?|d|days?|w|wks?|weeks?))");

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
        Matcher span = SPAN.matcher(s);
        if (span.matches()) {
            Duration d = unit(span.group(3)).multipliedBy(Long.parseLong(span.group(2)));
            return span.group(1).equals("+") ? now.plus(d) : now.minus(d);
        }
        try {
            if (s.length() == 10) {
                return LocalDate.parse(s).atStartOfDay(zone).toInstant();
            }
            TemporalAccessor t = DateTimeFormatter.ISO_DATE_TIME.parseBest(s, ZonedDateTime::from, LocalDateTime::from);
            return t instanceof ZonedDateTime z ? z.toInstant() : ((LocalDateTime) t).atZone(zone).toInstant();
        } catch (DateTimeException e) {
            throw new InputException("cannot read time '" + text + "': use " + FORMS);
        }
    }

    private static Duration unit(String unit) {
        return switch (Character.toLowerCase(unit.charAt(0))) {
            case 'm' -> Duration.ofMinutes(1);
            case 'h' -> Duration.ofHours(1);
            case 'd' -> Duration.ofDays(1);
            default -> Duration.ofDays(7);
        };
    }
}

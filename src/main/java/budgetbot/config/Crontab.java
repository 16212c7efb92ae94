package budgetbot.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A five-field crontab expression ({@code min hour day-of-month month day-of-week}) as the Quartz expression that
 * fires at the same moments, so that {@code "0 9 * * 1"} means what crontab means: 09:00 every Monday. Crontab
 * counts the days of the week 0 (or 7) = Sunday, 1 = Monday ... 6 = Saturday; Quartz 1 = Sunday ... 7 = Saturday,
 * and wants one of the two day fields to be {@code ?}.
 */
final class Crontab {
    private static final Pattern NUMBER = Pattern.compile("\\d+");

    private Crontab() {
    }

    /**
     * The Quartz expression for five crontab fields.
     *
     * @throws IllegalArgumentException when both day fields are restricted (crontab fires when either matches,
     *                                  which Quartz cannot say) or a day of the week is out of 0..7
     */
    static String toQuartz(String[] fields) {
        if (fields.length != 5) {
            throw new IllegalArgumentException("a crontab expression has 5 fields, got " + fields.length);
        }
        String dom = fields[2];
        String dow = fields[4];
        boolean anyDom = dom.equals("*") || dom.equals("?");
        boolean anyDow = dow.equals("*") || dow.equals("?");
        if (!anyDom && !anyDow) {
            throw new IllegalArgumentException("both day-of-month (" + dom + ") and day-of-week (" + dow + ") are"
                    + " given: crontab fires when either matches, which Quartz cannot express; keep one and write *"
                    + " for the other, or use two rules");
        }
        String quartzDow = anyDow ? "?" : dayOfWeek(dow);
        String quartzDom = anyDow ? (anyDom ? "*" : dom) : "?";
        return String.join(" ", "0", fields[0], fields[1], quartzDom, fields[3], quartzDow);
    }

    /** Crontab's day numbers (0..7, Sunday twice) as Quartz's (1..7), in lists, ranges and steps alike. */
    private static String dayOfWeek(String field) {
        StringBuilder out = new StringBuilder();
        Matcher m = NUMBER.matcher(field);
        int at = 0;
        while (m.find()) {
            out.append(field, at, m.start());
            boolean step = m.start() > 0 && field.charAt(m.start() - 1) == '/';
            int n = Integer.parseInt(m.group());
            if (step) {
                out.append(n);
            } else if (n > 7) {
                throw new IllegalArgumentException("day-of-week " + n + " is not 0..7 (0 and 7 are Sunday)");
            } else {
                out.append(n % 7 + 1);
            }
            at = m.end();
        }
        return out.append(field.substring(at)).toString().toUpperCase(Locale.ROOT);
    }
}

package budgetbot.render;

import budgetbot.config.Metric;
import budgetbot.digest.Change;
import budgetbot.time.PeriodUnit;
import budgetbot.time.Window;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Optional;

/** How numbers, changes and periods read in every rendering, so that mail, text and Slack agree. */
final class Format {
    static final String UP = "▲";
    static final String DOWN = "▼";
    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);
    private static final BigDecimal THOUSAND = BigDecimal.valueOf(1000);
    private static final String[] UNITS = {"", "k", "M", "B", "T"};
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT);

    private Format() {
    }

    /** Whole numbers with thousands separators: {@code 12,345,678}. */
    static String count(BigDecimal n) {
        return budgetbot.render.Amounts.number(Metric.TOKENS, n);
    }

    static String count(long n) {
        return count(BigDecimal.valueOf(n));
    }

    /** Short counts for headlines: {@code 950}, {@code 84.2k}, {@code 12.3M}. */
    static String compact(BigDecimal n) {
        BigDecimal abs = n.abs();
        int unit = 0;
        while (unit < UNITS.length - 1 && abs.setScale(1, RoundingMode.HALF_UP).compareTo(THOUSAND) >= 0) {
            abs = abs.divide(THOUSAND);
            unit++;
        }
        BigDecimal rounded = abs.setScale(unit == 0 ? 0 : 1, RoundingMode.HALF_UP);
        // 120k rather than 120.0k
        String digits = rounded.stripTrailingZeros().scale() <= 0 ? rounded.setScale(0).toPlainString()
                : rounded.toPlainString();
        return (n.signum() < 0 ? "-" : "") + digits + UNITS[unit];
    }

    static String compact(long n) {
        return compact(BigDecimal.valueOf(n));
    }

    /** {@code CNY 84.20}. */
    static String money(Optional<String> currency, BigDecimal v) {
        return currency.map(c -> budgetbot.render.Amounts.money(c, v)).orElseGet(() -> budgetbot.render.Amounts.number(Metric.COST, v));
    }

    /** A metric's value as a table shows it: money for cost, a whole count otherwise. */
    static String value(Metric metric, BigDecimal v, Optional<String> currency) {
        return metric == Metric.COST ? money(currency, v) : count(v);
    }

    /** {@code +12%}, {@code -3.5%}, {@code new}, or {@code 0%} when nothing changed. */
    static String percent(Change c) {
        if (c.isNew()) {
            return "new";
        }
        return c.fraction().map(Format::signedPercent).orElse("0%");
    }

    static String signedPercent(BigDecimal fraction) {
        BigDecimal p = fraction.multiply(HUNDRED);
        int scale = p.abs().compareTo(BigDecimal.TEN) >= 0 ? 0 : 1;
        BigDecimal rounded = p.setScale(scale, RoundingMode.HALF_UP);
        String sign = rounded.signum() > 0 ? "+" : "";
        return sign + rounded.stripTrailingZeros().toPlainString() + "%";
    }

    /** Share of a limit or a total: {@code 84%}; rounded down, as alerts do, so 99.6% never reads as the limit. */
    static String share(BigDecimal fraction) {
        return budgetbot.render.Amounts.percent(fraction, 0, RoundingMode.DOWN);
    }

    /** {@code ▲} for more, {@code ▼} for less, nothing for no change. */
    static String arrow(Change c) {
        int s = c.delta().signum();
        return s > 0 ? UP : s < 0 ? DOWN : "";
    }

    /** {@code ▲ +1,234 (+12%)}: the change of a metric as tables show it. */
    static String change(Metric metric, Change c, Optional<String> currency) {
        String delta = value(metric, c.delta().abs(), currency);
        int s = c.delta().signum();
        String sign = s > 0 ? "+" : s < 0 ? "-" : "";
        return (arrow(c) + " " + sign + delta + " (" + percent(c) + ")").strip();
    }

    /** The period as people name it: {@code Thu 26 Nov 2026}, {@code week of Mon 23 Nov 2026}, {@code Nov 2026}. */
    static String period(PeriodUnit unit, Window w, ZoneId zone) {
        return period(unit, w, zone, Words.EN);
    }

    /** As {@link #period(PeriodUnit, Window, ZoneId)}, in {@code words}: {@code 2026年11月23日 周一 起的一周}. */
    static String period(PeriodUnit unit, Window w, ZoneId zone, Words words) {
        ZonedDateTime start = w.start().atZone(zone);
        return switch (unit) {
            case HOUR -> words.day(start) + " " + TIME.format(start);
            case DAY -> words.day(start);
            case WEEK -> words.get("period.weekOf", words.day(start));
            case MONTH -> start.getDayOfMonth() == 1 ? words.month(start)
                    : words.get("period.span", words.day(start), words.day(w.end().atZone(zone).minusDays(1)));
        };
    }

    /** The period's first local date (and hour) for file names: {@code 2026-11-26}, {@code 2026-11-26T14}. */
    static String fileDate(PeriodUnit unit, Window w, ZoneId zone) {
        ZonedDateTime start = w.start().atZone(zone);
        String date = start.toLocalDate().toString();
        return unit == PeriodUnit.HOUR ? date + "T" + String.format(Locale.ROOT, "%02d", start.getHour()) : date;
    }

    /** A bar's label on the chart's x axis. */
    static String bar(PeriodUnit unit, Instant start, ZoneId zone, Words words) {
        ZonedDateTime t = start.atZone(zone);
        return switch (unit) {
            case HOUR -> TIME.format(t);
            case DAY -> String.format(Locale.ROOT, "%02d", t.getHour());
            case WEEK -> words.shortDay(t);
            case MONTH -> Integer.toString(t.getDayOfMonth());
        };
    }

    /** What one bar covers, for axis titles and legends. */
    static String barUnit(PeriodUnit unit, Words words) {
        return words.get("bar." + unit.name());
    }

    /** The local time of day: {@code 09:00}. */
    static String time(Instant t, ZoneId zone) {
        return TIME.format(t.atZone(zone));
    }

    /** When an alert was announced, as local time. */
    static String moment(Instant t, ZoneId zone) {
        return moment(t, zone, Words.EN);
    }

    /** As {@link #moment(Instant, ZoneId)}, in {@code words}. */
    static String moment(Instant t, ZoneId zone, Words words) {
        ZonedDateTime z = t.atZone(zone);
        return words.day(z) + " " + TIME.format(z);
    }
}

package budgetbot.render;

import budgetbot.config.Metric;
import budgetbot.rules.AnomalyScore;
import budgetbot.rules.Finding;
import budgetbot.state.AlertEvent;
import budgetbot.state.AlertStatus;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What an anomaly alert says, in a person's words: "uminferapikey-prod used 1.8M tokens 14:00–15:00, 4.2× the usual
 * 430k for a Wednesday at 14:00 (+1.4M tokens, about CNY 11 above expected)".
 */
public final class AnomalyWords {
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm", Locale.ENGLISH);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("EEE d MMM", Locale.ENGLISH);
    private static final BigDecimal WHOLE_MONEY = BigDecimal.TEN;

    private AnomalyWords() {
    }

    static String title(AlertEvent e) {
        Finding f = e.finding();
        AnomalyScore s = f.anomaly().orElseThrow();
        String who = "all".equals(f.group()) ? "usage" : f.group();
        if (e.status() == AlertStatus.RESOLVED) {
            return s.unscored().map(why -> who + " no longer scored for anomalies: " + why)
                    .orElseGet(() -> who + " back within its usual hourly " + Amounts.unit(f.metric()) + ": "
                            + compact(e, s.value()) + " " + hour(e, s) + " against " + compact(e, s.expected())
                            + " expected");
        }
        String usual = s.expected().signum() == 0 ? ", where it usually uses none " + when(e, s)
                : ", " + ratio(s) + " the usual " + compact(e, s.expected()) + " " + when(e, s);
        return who + " used " + amount(e, s.value()) + " " + hour(e, s) + usual + " (+" + amount(e, s.excess())
                + s.excessCost().map(c -> ", about " + money(e, c)).orElse("") + " above expected)";
    }

    static List<AlertFormatter.Fact> facts(AlertEvent e) {
        Finding f = e.finding();
        AnomalyScore s = f.anomaly().orElseThrow();
        ZonedDateTime start = s.hour().start().atZone(e.zone());
        List<AlertFormatter.Fact> facts = new ArrayList<>();
        facts.add(new AlertFormatter.Fact("Hour", hour(e, s) + " " + DAY.format(start) + " (" + e.zone().getId() + ")"));
        facts.add(new AlertFormatter.Fact("Used", Amounts.of(f.metric(), s.value(), e.currency())));
        if (s.unscored().isPresent()) {
            facts.add(new AlertFormatter.Fact("Not scored", s.unscored().get()));
        } else {
            facts.add(new AlertFormatter.Fact("Expected", Amounts.of(f.metric(), s.expected(), e.currency())
                    + ", the median of " + basis(e, s)));
            facts.add(new AlertFormatter.Fact("Spread", s.z().map(z -> "modified z-score "
                    + z.setScale(1, RoundingMode.HALF_UP).toPlainString() + " (median absolute deviation "
                    + compact(e, s.spread()) + ")").orElse("none: those hours were all alike, so the excess and ratio"
                    + " decide")));
        }
        if (s.hours() > 1) {
            facts.add(new AlertFormatter.Fact("Anomalous for", s.hours() > 24 ? "more than a day"
                    : s.hours() + " hours in a row, since " + CLOCK.format(f.window().start().atZone(e.zone()))));
        }
        facts.add(new AlertFormatter.Fact("Status", e.status().name().toLowerCase(Locale.ROOT)));
        return facts;
    }

    /**
     * Where a group's last complete hour stands, for the status page and digests: "tokens 14:00–15:00 ·
     * uminferapikey-prod: 1,812,000 tokens against 430,000 tokens expected, anomalous", or why it is not scored.
     */
    public static String standing(Finding f, String currency, ZoneId zone) {
        AnomalyScore s = f.anomaly().orElseThrow();
        return Amounts.unit(f.metric()) + " " + CLOCK.format(s.hour().start().atZone(zone)) + "–"
                + CLOCK.format(s.hour().end().atZone(zone)) + " · " + f.group() + ": "
                + Amounts.of(f.metric(), s.value(), currency) + s.unscored().map(why -> " (not scored: " + why + ")")
                .orElseGet(() -> " against " + Amounts.of(f.metric(), s.expected(), currency) + " expected"
                        + (f.active() ? ", anomalous" : ""));
    }

    /** A few words for a check's summary line: "4.2× the usual for a Wednesday at 14:00". */
    static String summary(Finding f) {
        AnomalyScore s = f.anomaly().orElseThrow();
        return s.expected().signum() == 0 ? " from none" : " " + ratio(s) + " the usual";
    }

    private static String when(AlertEvent e, AnomalyScore s) {
        ZonedDateTime start = s.hour().start().atZone(e.zone());
        return s.basis() == AnomalyScore.Basis.HOUR_OF_WEEK
                ? "for a " + start.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ENGLISH) + " at "
                + CLOCK.format(start)
                : "at " + CLOCK.format(start) + " over the last 14 days (fewer than 3 weeks of history)";
    }

    private static String basis(AlertEvent e, AnomalyScore s) {
        ZonedDateTime start = s.hour().start().atZone(e.zone());
        String day = start.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ENGLISH);
        return s.basis() == AnomalyScore.Basis.HOUR_OF_WEEK
                ? CLOCK.format(start) + " on the last " + s.samples() + " " + day + "s"
                : CLOCK.format(start) + " on " + s.samples() + " of the last 14 days: fewer than 3 weeks of history,"
                + " so the same hour of the day stands in for the same hour of the week";
    }

    private static String hour(AlertEvent e, AnomalyScore s) {
        return CLOCK.format(s.hour().start().atZone(e.zone())) + "–" + CLOCK.format(s.hour().end().atZone(e.zone()));
    }

    private static String ratio(AnomalyScore s) {
        return s.ratio().orElseThrow().setScale(1, RoundingMode.HALF_UP).toPlainString() + "×";
    }

    private static String amount(AlertEvent e, BigDecimal v) {
        Metric m = e.finding().metric();
        return m == Metric.COST ? money(e, v) : Format.compact(v) + " " + Amounts.unit(m);
    }

    private static String compact(AlertEvent e, BigDecimal v) {
        return e.finding().metric() == Metric.COST ? money(e, v) : Format.compact(v);
    }

    /** {@code CNY 11} from ten up, {@code CNY 0.42} below: "about" needs no cents on a large amount. */
    private static String money(AlertEvent e, BigDecimal v) {
        return e.currency() + " " + (v.abs().compareTo(WHOLE_MONEY) >= 0 ? v.setScale(0, RoundingMode.HALF_UP)
                : v.setScale(2, RoundingMode.HALF_UP)).toPlainString();
    }
}

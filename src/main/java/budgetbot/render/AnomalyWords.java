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
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What an anomaly alert says, in a person's words: "uminferapikey-prod used 1.8M tokens 14:00–15:00, 4.2× the usual
 * 430k for a Wednesday at 14:00 (+1.4M tokens, about CNY 11 above expected)".
 */
public final class AnomalyWords {
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT);
    private static final BigDecimal WHOLE_MONEY = BigDecimal.TEN;

    private final Words w;

    public AnomalyWords(Words w) {
        this.w = w;
    }

    String title(AlertEvent e, KeyLabels labels) {
        Finding f = e.finding();
        AnomalyScore s = f.anomaly().orElseThrow();
        String who = "all".equals(f.group()) ? w.get("anomaly.usage") : labels.group(f.group());
        if (e.status() == AlertStatus.RESOLVED) {
            return s.unscored().map(why -> w.get("anomaly.noLongerScored", who, why))
                    .orElseGet(() -> w.get("anomaly.backToUsual", who, w.unit(f.metric()), compact(e, s.value()),
                            hour(e, s), compact(e, s.expected())));
        }
        String usual = s.expected().signum() == 0 ? w.get("anomaly.usuallyNone", when(e, s))
                : w.get("anomaly.usually", ratio(s), compact(e, s.expected()), when(e, s));
        String excess = amount(e, s.excess()) + s.excessCost().map(c -> w.get("anomaly.about", money(e, c))).orElse("");
        return w.get("anomaly.used", who, amount(e, s.value()), hour(e, s), usual, excess);
    }

    List<AlertFormatter.Fact> facts(AlertEvent e) {
        Finding f = e.finding();
        AnomalyScore s = f.anomaly().orElseThrow();
        ZonedDateTime start = s.hour().start().atZone(e.zone());
        List<AlertFormatter.Fact> facts = new ArrayList<>();
        facts.add(new AlertFormatter.Fact(w.get("fact.hour"), w.get("anomaly.hour", hour(e, s), w.dayNoYear(start),
                e.zone().getId())));
        facts.add(new AlertFormatter.Fact(w.get("fact.used"), w.amount(f.metric(), s.value(), e.currency())));
        if (s.unscored().isPresent()) {
            facts.add(new AlertFormatter.Fact(w.get("fact.notScored"), s.unscored().get()));
        } else {
            facts.add(new AlertFormatter.Fact(w.get("fact.expected"), w.get("anomaly.median",
                    w.amount(f.metric(), s.expected(), e.currency()), basis(e, s))));
            facts.add(new AlertFormatter.Fact(w.get("fact.spread"), s.z().map(z -> w.get("anomaly.z",
                    z.setScale(1, RoundingMode.HALF_UP).toPlainString(), compact(e, s.spread())))
                    .orElse(w.get("anomaly.noSpread"))));
        }
        if (s.hours() > 1) {
            facts.add(new AlertFormatter.Fact(w.get("fact.anomalousFor"), s.hours() > 24 ? w.get("anomaly.overADay")
                    : w.get("anomaly.hoursInARow", s.hours(), CLOCK.format(f.window().start().atZone(e.zone())))));
        }
        facts.add(new AlertFormatter.Fact(w.get("fact.status"), w.status(e.status())));
        return facts;
    }

    /**
     * Where a group's last complete hour stands, for the status page and digests: "tokens 14:00–15:00 ·
     * uminferapikey-prod: 1,812,000 tokens against 430,000 tokens expected, anomalous", or why it is not scored.
     */
    public String standing(Finding f, String currency, ZoneId zone, KeyLabels labels) {
        AnomalyScore s = f.anomaly().orElseThrow();
        String used = w.amount(f.metric(), s.value(), currency);
        String rest = s.unscored().map(why -> w.get("anomaly.standingUnscored", used, why))
                .orElseGet(() -> w.get(f.active() ? "anomaly.standingAnomalous" : "anomaly.standing", used,
                        w.amount(f.metric(), s.expected(), currency)));
        return w.get("anomaly.standingLine", w.unit(f.metric()), CLOCK.format(s.hour().start().atZone(zone)),
                CLOCK.format(s.hour().end().atZone(zone)), labels.group(f.group()), rest);
    }

    /** A few words for a check's summary line (English, as the CLI speaks): "4.2× the usual". */
    static String summary(Finding f) {
        AnomalyScore s = f.anomaly().orElseThrow();
        return s.expected().signum() == 0 ? " from none" : " " + ratio(s) + " the usual";
    }

    private String when(AlertEvent e, AnomalyScore s) {
        ZonedDateTime start = s.hour().start().atZone(e.zone());
        return s.basis() == AnomalyScore.Basis.HOUR_OF_WEEK
                ? w.get("anomaly.whenWeek", w.weekday(start), CLOCK.format(start))
                : w.get("anomaly.whenDay", CLOCK.format(start));
    }

    private String basis(AlertEvent e, AnomalyScore s) {
        ZonedDateTime start = s.hour().start().atZone(e.zone());
        return s.basis() == AnomalyScore.Basis.HOUR_OF_WEEK
                ? w.get("anomaly.basisWeek", CLOCK.format(start), s.samples(), w.weekday(start))
                : w.get("anomaly.basisDay", CLOCK.format(start), s.samples());
    }

    private static String hour(AlertEvent e, AnomalyScore s) {
        return CLOCK.format(s.hour().start().atZone(e.zone())) + "–" + CLOCK.format(s.hour().end().atZone(e.zone()));
    }

    private static String ratio(AnomalyScore s) {
        return s.ratio().orElseThrow().setScale(1, RoundingMode.HALF_UP).toPlainString() + "×";
    }

    private String amount(AlertEvent e, BigDecimal v) {
        Metric m = e.finding().metric();
        return m == Metric.COST ? money(e, v) : w.counted(m, Format.compact(v));
    }

    private String compact(AlertEvent e, BigDecimal v) {
        return e.finding().metric() == Metric.COST ? money(e, v) : Format.compact(v);
    }

    /** {@code CNY 11} from ten up, {@code CNY 0.42} below: "about" needs no cents on a large amount. */
    private String money(AlertEvent e, BigDecimal v) {
        String amount = (v.abs().compareTo(WHOLE_MONEY) >= 0 ? v.setScale(0, RoundingMode.HALF_UP)
                : v.setScale(2, RoundingMode.HALF_UP)).toPlainString();
        return w.priced(e.currency(), amount);
    }
}

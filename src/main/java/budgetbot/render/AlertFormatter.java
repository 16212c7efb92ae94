package budgetbot.render;

import budgetbot.config.Metric;
import budgetbot.notify.Message;
import budgetbot.rules.Contributor;
import budgetbot.rules.Finding;
import budgetbot.rules.Kind;
import budgetbot.rules.Projection;
import budgetbot.state.AlertEvent;
import budgetbot.state.AlertStatus;
import budgetbot.time.PeriodUnit;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Renders an alert for every channel type at once: email subject, plain text (also the Slack fallback and the
 * console form), HTML and Slack Block Kit. All four come from one list of facts so that they say the same.
 */
public final class AlertFormatter {
    private static final int NAMES_SHOWN = 10;
    private static final DateTimeFormatter CLOCK_TIME = DateTimeFormatter.ofPattern("HH:mm", Locale.ENGLISH);
    private static final DateTimeFormatter DAY_AND_TIME = DateTimeFormatter.ofPattern("EEE d MMM HH:mm", Locale.ENGLISH);
    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ENGLISH);

    private AlertFormatter() {
    }

    /** What the alert says, before rendering; names are raw and escaped by each renderer. */
    record Fact(String label, String value) {
    }

    /** An alert's parts in layout order; {@link NoticeFormatter} lays notices out the same way. */
    record Alert(String headline, List<Fact> facts, List<String> contributors, String period, String scope,
                 AlertStatus status) {
    }

    /** The message of kind {@code alert} for {@code e}. */
    public static Message format(AlertEvent e) {
        Objects.requireNonNull(e, "event");
        Finding f = e.finding();
        Objects.requireNonNull(f.metric(), "finding.metric");
        Objects.requireNonNull(f.period(), "finding.period");
        return message("alert", new Alert(headline(e), facts(e), contributors(e), period(e), scope(f), e.status()));
    }

    /** {@code a} as a message of {@code kind}: subject, text, HTML and Block Kit that say the same. */
    static Message message(String kind, Alert a) {
        return new Message(kind, Amounts.SUBJECT_PREFIX + a.headline(), text(a), html(a), blocks(a), List.of());
    }

    /** The subject without the {@code [budgetbot]} prefix: status, rule, group and what happened. */
    private static String headline(AlertEvent e) {
        Finding f = e.finding();
        String tag = e.status() == AlertStatus.FIRING ? "" : e.status().name() + " ";
        String name = f.rule() + ("all".equals(f.group()) ? "" : " (" + f.group() + ")");
        return tag + name + ": " + (e.status() == AlertStatus.RESOLVED ? resolved(f) : firing(e));
    }

    private static String firing(AlertEvent e) {
        Finding f = e.finding();
        String budget = f.period().adjective() + " " + Amounts.noun(f.metric()) + " budget";
        return switch (f.kind()) {
            case BUDGET -> Amounts.percent(f.level(), 1, RoundingMode.DOWN) + " of " + budget + " used";
            case FORECAST -> budget + " will be exceeded at this rate" + f.forecast()
                    .flatMap(Projection::limitReachedAt).map(t -> " (at " + moment(t, f.period(), e.zone()) + ")")
                    .orElse("");
            case GROWTH -> f.period().adjective() + " " + Amounts.unit(f.metric()) + " up "
                    + f.increase().map(i -> Amounts.percent(i, 0, RoundingMode.HALF_UP)).orElse("from zero") + " vs the previous period";
        };
    }

    private static String resolved(Finding f) {
        String what = f.period().adjective() + " " + Amounts.noun(f.metric());
        return switch (f.kind()) {
            case BUDGET -> what + " usage back below the budget thresholds";
            case FORECAST -> what + " budget no longer forecast to be exceeded";
            case GROWTH -> what + " growth back to normal";
        };
    }

    private static List<Fact> facts(AlertEvent e) {
        Finding f = e.finding();
        List<Fact> facts = new ArrayList<>();
        facts.add(new Fact("Used", used(e)));
        if (f.kind() == Kind.BUDGET && f.level().signum() > 0) {
            facts.add(new Fact("Threshold reached", Amounts.percent(f.level(), 1, RoundingMode.DOWN)));
        }
        f.forecast().ifPresent(p -> {
            facts.add(new Fact("Forecast", amount(e, p.total()) + " by the end of the period (" + p.method() + ")"));
            if (f.limit().isPresent()) {
                facts.add(new Fact("Limit", p.limitReachedAt()
                        .map(t -> "at this rate the limit is reached at " + moment(t, f.period(), e.zone()))
                        .orElse("at this rate the limit is not reached in this period")));
            }
        });
        f.baseline().ifPresent(b -> facts.add(new Fact("Growth", f.increase()
                .map(i -> increase(i) + ": " + amount(e, f.used()) + " now vs " + amount(e, b))
                .orElse(amount(e, f.used()) + " now vs none") + " in the same span of the previous period")));
        facts.add(new Fact("Status", e.status().name().toLowerCase(Locale.ROOT)));
        return facts;
    }

    private static String used(AlertEvent e) {
        Finding f = e.finding();
        return f.limit().filter(l -> l.signum() > 0)
                .map(l -> (f.metric() == Metric.COST ? Amounts.money(e.currency(), f.used())
                        : Amounts.number(f.metric(), f.used())) + " of " + amount(e, l) + " ("
                        + Amounts.percent(f.used().divide(l, MathContext.DECIMAL64), 0, RoundingMode.DOWN) + ")")
                .orElse(amount(e, f.used()) + " so far");
    }

    private static List<String> contributors(AlertEvent e) {
        Finding f = e.finding();
        List<String> lines = new ArrayList<>();
        for (Contributor c : f.contributors()) {
            lines.add(c.series().keyId() + " × " + c.series().model() + ": " + amount(e, c.value())
                    + (c.share() == null ? "" : " (" + Amounts.percent(c.share(), 0, RoundingMode.HALF_UP) + ")"));
        }
        return lines;
    }

    private static String period(AlertEvent e) {
        Finding f = e.finding();
        return "Period: " + f.period().yamlName() + " " + DATE_TIME.format(f.window().start().atZone(e.zone()))
                + " – " + DATE_TIME.format(f.window().end().atZone(e.zone())) + " (" + e.zone().getId() + ")";
    }

    private static String scope(Finding f) {
        return "Rule " + f.rule() + ", condition " + f.condition() + ", group " + f.group()
                + "; keys: " + names(f.keys()) + "; models: " + names(f.models());
    }

    private static String names(List<String> names) {
        if (names.isEmpty()) {
            return "none";
        }
        String shown = String.join(", ", names.subList(0, Math.min(NAMES_SHOWN, names.size())));
        return names.size() <= NAMES_SHOWN ? shown : shown + " and " + (names.size() - NAMES_SHOWN) + " more";
    }

    private static String amount(AlertEvent e, BigDecimal value) {
        return Amounts.of(e.finding().metric(), value, e.currency());
    }

    private static String increase(BigDecimal fraction) {
        return (fraction.signum() >= 0 ? "+" : "") + Amounts.percent(fraction, 0, RoundingMode.HALF_UP);
    }

    /** A time of day for hourly and daily periods; with the day for longer ones, where it is ambiguous. */
    private static String moment(Instant t, PeriodUnit period, ZoneId zone) {
        boolean withinADay = period == PeriodUnit.HOUR || period == PeriodUnit.DAY;
        return (withinADay ? CLOCK_TIME : DAY_AND_TIME).format(t.atZone(zone));
    }

    private static String text(Alert a) {
        StringBuilder b = new StringBuilder(a.headline()).append("\n\n");
        a.facts().forEach(fact -> b.append(fact.label()).append(": ").append(fact.value()).append('\n'));
        if (!a.contributors().isEmpty()) {
            b.append("\nTop contributors:\n");
            a.contributors().forEach(c -> b.append("  - ").append(c).append('\n'));
        }
        return b.append('\n').append(a.period()).append('\n').append(a.scope()).append('\n').toString();
    }

    private static String html(Alert a) {
        String color = a.status() == AlertStatus.RESOLVED ? "#067647" : "#b42318";
        StringBuilder b = new StringBuilder()
                .append("<div style=\"font-family:Arial,Helvetica,sans-serif;font-size:14px;color:#1d1c1d;max-width:640px\">")
                .append("<h2 style=\"margin:0 0 12px;font-size:18px;color:").append(color).append("\">")
                .append(Html.escape(a.headline())).append("</h2>")
                .append("<table style=\"border-collapse:collapse\">");
        for (Fact fact : a.facts()) {
            b.append("<tr><th style=\"text-align:left;vertical-align:top;padding:4px 12px 4px 0;color:#616061;font-weight:normal\">")
                    .append(Html.escape(fact.label())).append("</th><td style=\"padding:4px 0\">")
                    .append(Html.escape(fact.value())).append("</td></tr>");
        }
        b.append("</table>");
        if (!a.contributors().isEmpty()) {
            b.append("<h3 style=\"font-size:15px;margin:16px 0 6px\">Top contributors</h3><ul style=\"margin:0;padding-left:20px\">");
            a.contributors().forEach(c -> b.append("<li>").append(Html.escape(c)).append("</li>"));
            b.append("</ul>");
        }
        return b.append("<p style=\"color:#616061;font-size:12px;margin-top:16px\">").append(Html.escape(a.period()))
                .append("<br>").append(Html.escape(a.scope())).append("</p></div>").toString();
    }

    private static String blocks(Alert a) {
        String icon = switch (a.status()) {
            case RESOLVED -> ":white_check_mark: ";
            case ESCALATED -> ":rotating_light: ";
            case FIRING, REMINDER -> ":warning: ";
        };
        List<String> fields = a.facts().stream()
                .map(f -> "*" + Mrkdwn.escape(f.label()) + "*\n" + Mrkdwn.escape(f.value())).toList();
        BlockKit kit = BlockKit.builder().header(icon + a.headline()).fields(fields);
        if (!a.contributors().isEmpty()) {
            StringBuilder s = new StringBuilder("*Top contributors*");
            a.contributors().forEach(c -> s.append("\n• ").append(Mrkdwn.escape(c)));
            kit.section(s.toString());
        }
        return kit.context(List.of(Mrkdwn.escape(a.period()), Mrkdwn.escape(a.scope()))).toJson();
    }
}

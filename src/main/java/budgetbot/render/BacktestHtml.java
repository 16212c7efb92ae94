package budgetbot.render;

import budgetbot.backtest.BacktestReport;
import budgetbot.backtest.Chart;
import budgetbot.backtest.Notification;
import budgetbot.backtest.RuleReport;
import budgetbot.config.Metric;
import budgetbot.guard.Action;
import budgetbot.rules.Finding;
import budgetbot.state.AlertEvent;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A backtest as a page to read in a browser: per rule its summary and hints, a chart of what its first budget (or
 * growth check) used with a marker where each alert would have fired, and its notifications as a table.
 *
 * <p>The page is a file that gets opened from disk or attached to a ticket, so it carries everything itself: no
 * scripts, fonts, images or links; tooltips are SVG titles. It is also well-formed XML, so tests can parse it.
 */
public final class BacktestHtml {
    private static final int WIDTH = 800;
    private static final int HEIGHT = 260;
    private static final int LEFT = 60;
    private static final int RIGHT = 780;
    private static final int TOP = 14;
    private static final int BOTTOM = 230;
    /** Room an axis label needs beside its tick before it would run off the chart. */
    private static final int LABEL_ROOM = 40;
    /** The groups' lines; none red, orange or green, the colours of the markers. */
    private static final String[] LINE_COLOURS = {"#2563eb", "#7c3aed", "#0891b2", "#475569", "#a16207"};
    private static final String RED = "#c0392b";
    private static final String ORANGE = "#d35400";
    private static final String GREEN = "#1e8449";
    private static final String AXIS = "#9ca3af";
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("EEE d MMM", Locale.ENGLISH);
    private static final String STYLE = "body{margin:0 auto;max-width:960px;padding:16px;"
            + "font-family:Arial,Helvetica,sans-serif;font-size:14px;line-height:20px;color:#1f2937;background:#fff}"
            + "h1{font-size:22px;line-height:28px;margin:8px 0;color:#111827}"
            + "h2{font-size:18px;margin:12px 0 4px 0;color:#111827}"
            + "h1,h2,td,.legend li{overflow-wrap:anywhere}"
            + ".heading{color:#6b7280}"
            + "section{border-top:2px solid #e5e7eb;margin-top:20px}"
            + ".hints{list-style:none;padding:0;margin:8px 0}"
            + ".hints li{background:#fef3c7;border-left:4px solid #d97706;padding:4px 8px;margin:4px 0}"
            + "figure{margin:12px 0}"
            + "svg{display:block;height:auto}"
            + "svg text{font-size:11px;fill:#6b7280}"
            + "figcaption{font-size:13px;color:#4b5563}"
            + ".legend{list-style:none;padding:0;margin:4px 0}"
            + ".legend li{display:inline-block;margin-right:16px}"
            + ".swatch{display:inline-block;width:14px;height:3px;vertical-align:middle;margin-right:6px}"
            + ".none{color:#6b7280}"
            + "table{border-collapse:collapse;width:100%;font-size:13px}"
            + "th{text-align:left;color:#6b7280;font-weight:normal;border-bottom:1px solid #d1d5db;padding:4px 6px}"
            + "td{vertical-align:top;border-bottom:1px solid #f3f4f6;padding:4px 6px}"
            + "td.time{white-space:nowrap}";

    private BacktestHtml() {
    }

    public static String render(BacktestReport r, String config) {
        String title = Html.escape("Backtest of " + config);
        StringBuilder h = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/>")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>")
                .append("<title>").append(title).append("</title><style>").append(STYLE).append("</style></head>\n")
                .append("<body>\n<h1>").append(title).append("</h1>\n<p class=\"heading\">")
                .append(Html.escape(BacktestText.heading(r, config))).append("</p>\n");
        r.rules().forEach(rule -> section(h, rule, r));
        return h.append("</body></html>\n").toString();
    }

    private static void section(StringBuilder h, RuleReport rule, BacktestReport r) {
        h.append("<section class=\"rule\">\n<h2>").append(Html.escape(rule.rule().name())).append("</h2>\n")
                .append("<p class=\"summary\">").append(Html.escape(BacktestText.summary(rule, r))).append("</p>\n");
        List<String> hints = BacktestText.hints(rule, r);
        if (!hints.isEmpty()) {
            h.append("<ul class=\"hints\">");
            hints.forEach(hint -> h.append("<li><strong>hint:</strong> ").append(Html.escape(hint)).append("</li>"));
            h.append("</ul>\n");
        }
        rule.chart().ifPresentOrElse(c -> chart(h, c, rule, r), () -> h.append("<p class=\"none\">no chart: ")
                .append(rule.rule().budgets().isEmpty() && rule.rule().growth().isEmpty() && rule.rule().anomaly().isEmpty()
                        ? "this rule has no budget, growth or anomaly check" : "no usage was measured for it")
                .append("</p>\n"));
        notifications(h, rule, r);
        actions(h, rule, r);
        h.append("</section>\n");
    }

    /** Where times and values go on the plot; values above {@code top} and times outside the span stay on it. */
    private record Scale(Instant from, double millis, double top) {
        double x(Instant t) {
            // a backtest of a single check spans no time: it stands in the middle
            double f = millis > 0 ? Duration.between(from, t).toMillis() / millis : 0.5;
            return LEFT + Math.max(0, Math.min(1, f)) * (RIGHT - LEFT);
        }

        double y(double v) {
            return BOTTOM - Math.max(0, Math.min(1, v / top)) * (BOTTOM - TOP);
        }
    }

    private static void chart(StringBuilder h, Chart c, RuleReport rule, BacktestReport r) {
        double limit = c.limit().map(BigDecimal::doubleValue).orElse(0.0);
        double highest = c.lines().stream().flatMap(l -> l.values().stream()).mapToDouble(BigDecimal::doubleValue)
                .max().orElse(0);
        for (BigDecimal t : c.thresholds()) {
            highest = Math.max(highest, limit * t.doubleValue());
        }
        highest = Math.max(highest, limit);
        Scale s = new Scale(r.from(), Duration.between(r.from(), r.to()).toMillis(), highest > 0 ? highest * 1.1 : 1);

        h.append("<figure class=\"chart\"><svg viewBox=\"0 0 ").append(WIDTH).append(' ').append(HEIGHT)
                .append("\" width=\"100%\">\n");
        valueAxis(h, s, c.metric());
        timeAxis(h, s, r);
        c.limit().ifPresent(l -> {
            for (BigDecimal t : c.thresholds()) {
                // a threshold of 100% is the limit, drawn next
                if (t.compareTo(BigDecimal.ONE) != 0) {
                    level(h, s.y(l.doubleValue() * t.doubleValue()), "#d1d5db", Format.share(t));
                }
            }
            level(h, s.y(l.doubleValue()), "#374151", "limit " + number(c.metric(), l));
        });
        for (int i = 0; i < c.lines().size(); i++) {
            Chart.Line line = c.lines().get(i);
            StringBuilder points = new StringBuilder();
            for (int j = 0; j < line.values().size(); j++) {
                points.append(j == 0 ? "" : " ").append(coordinate(s.x(c.times().get(j)))).append(',')
                        .append(coordinate(s.y(line.values().get(j).doubleValue())));
            }
            h.append("<polyline class=\"usage\" fill=\"none\" stroke-width=\"1.5\" stroke=\"").append(colour(i))
                    .append("\" points=\"").append(points).append("\"><title>").append(Html.escape(line.group()))
                    .append("</title></polyline>\n");
        }
        markers(h, s, c, rule, r);
        h.append("</svg>\n<figcaption>").append(Html.escape(caption(c))).append("<ul class=\"legend\">");
        for (int i = 0; i < c.lines().size(); i++) {
            h.append("<li><span class=\"swatch\" style=\"background:").append(colour(i)).append("\"></span>")
                    .append(Html.escape(c.lines().get(i).group())).append("</li>");
        }
        h.append("</ul></figcaption></figure>\n");
    }

    /** "daily token budget (budget[0]:tokens/day): usage in the period so far for ...; markers: ...". */
    private static String caption(Chart c) {
        String what = c.period().adjective() + " " + Amounts.noun(c.metric())
                + (c.limit().isPresent() ? " budget" : " growth check");
        String groups = c.lines().size() == 1 ? c.lines().get(0).group()
                : "the " + c.lines().size() + " groups that came closest";
        return what + " (" + c.condition() + "): usage in the period so far for " + groups
                + "; markers: alerts, red firing or escalated, orange reminders, green resolved, "
                + "a triangle at the top for another condition or group.";
    }

    /** Grid lines at round values, so the labels read as 200k, 400k rather than 183.3k, 366.7k. */
    private static void valueAxis(StringBuilder h, Scale s, Metric metric) {
        double raw = s.top() / 4;
        int exponent = (int) Math.floor(Math.log10(raw));
        double mantissa = raw / Math.pow(10, exponent);
        BigDecimal step = BigDecimal.valueOf(mantissa <= 1 ? 1 : mantissa <= 2 ? 2 : mantissa <= 5 ? 5 : 10)
                .scaleByPowerOfTen(exponent);
        if (metric != Metric.COST) {
            // counts are whole: an empty chart reads 0 and 1, not 0.2 tokens
            step = step.max(BigDecimal.ONE);
        }
        for (BigDecimal v = BigDecimal.ZERO; v.doubleValue() <= s.top(); v = v.add(step)) {
            String y = coordinate(s.y(v.doubleValue()));
            h.append("<line x1=\"").append(LEFT).append("\" x2=\"").append(RIGHT).append("\" y1=\"").append(y)
                    .append("\" y2=\"").append(y).append("\" stroke=\"").append(v.signum() == 0 ? AXIS : "#f3f4f6")
                    .append("\"/><text x=\"").append(LEFT - 6).append("\" y=\"")
                    .append(coordinate(s.y(v.doubleValue()) + 4)).append("\" text-anchor=\"end\">")
                    .append(number(metric, v)).append("</text>\n");
        }
    }

    /** Local midnights, a week of labels at most; a span without two of them has its ends labelled instead. */
    private static void timeAxis(StringBuilder h, Scale s, BacktestReport r) {
        ZoneId zone = r.zone();
        LocalDate first = r.from().atZone(zone).toLocalDate();
        if (first.atStartOfDay(zone).toInstant().isBefore(r.from())) {
            first = first.plusDays(1);
        }
        LocalDate last = r.to().atZone(zone).toLocalDate();
        long days = ChronoUnit.DAYS.between(first, last) + 1;
        if (days < 2) {
            tick(h, s.x(r.from()), Format.moment(r.from(), zone));
            if (!r.to().equals(r.from())) {
                tick(h, s.x(r.to()), Format.moment(r.to(), zone));
            }
            return;
        }
        long every = (days + 6) / 7;
        for (LocalDate d = first; !d.isAfter(last); d = d.plusDays(every)) {
            tick(h, s.x(d.atStartOfDay(zone).toInstant()), DAY.format(d));
        }
    }

    private static void tick(StringBuilder h, double x, String label) {
        String anchor = x < LEFT + LABEL_ROOM ? "start" : x > RIGHT - LABEL_ROOM ? "end" : "middle";
        h.append("<line x1=\"").append(coordinate(x)).append("\" x2=\"").append(coordinate(x)).append("\" y1=\"")
                .append(BOTTOM).append("\" y2=\"").append(BOTTOM + 4).append("\" stroke=\"").append(AXIS)
                .append("\"/><text x=\"").append(coordinate(x)).append("\" y=\"").append(BOTTOM + 18)
                .append("\" text-anchor=\"").append(anchor).append("\">").append(Html.escape(label)).append("</text>\n");
    }

    /** A dashed line across the plot with its label at the right end, above it. */
    private static void level(StringBuilder h, double y, String colour, String label) {
        h.append("<line class=\"level\" x1=\"").append(LEFT).append("\" x2=\"").append(RIGHT).append("\" y1=\"")
                .append(coordinate(y)).append("\" y2=\"").append(coordinate(y)).append("\" stroke=\"").append(colour)
                .append("\" stroke-dasharray=\"6 4\"/><text x=\"").append(RIGHT - 4).append("\" y=\"")
                .append(coordinate(y - 4)).append("\" text-anchor=\"end\">").append(Html.escape(label))
                .append("</text>\n");
    }

    /**
     * One marker per alert, however many channels it went to: on its group's line when it is about the condition
     * drawn, else a triangle at the top, since its value is on another scale or its group is not drawn.
     */
    private static void markers(StringBuilder h, Scale s, Chart c, RuleReport rule, BacktestReport r) {
        Set<String> drawn = c.lines().stream().map(Chart.Line::group).collect(Collectors.toSet());
        Set<List<Object>> seen = new HashSet<>();
        for (Notification n : rule.notifications()) {
            for (AlertEvent e : n.alerts()) {
                Finding f = e.finding();
                if (!seen.add(List.of(n.at(), f.condition(), f.group(), e.status()))) {
                    continue;
                }
                String colour = switch (e.status()) {
                    case FIRING, ESCALATED -> RED;
                    case REMINDER -> ORANGE;
                    case RESOLVED -> GREEN;
                };
                String x = coordinate(s.x(n.at()));
                String title = "<title>" + Html.escape(BacktestText.describe(e, r.currency()) + ", "
                        + BacktestText.when(n.at(), r.zone())) + "</title>";
                String status = BacktestText.status(e.status());
                if (f.condition().equals(c.condition()) && drawn.contains(f.group())) {
                    h.append("<circle class=\"marker ").append(status).append("\" cx=\"").append(x)
                            .append("\" cy=\"").append(coordinate(s.y(f.used().doubleValue())))
                            .append("\" r=\"4.5\" stroke=\"#fff\" fill=\"").append(colour).append("\">")
                            .append(title).append("</circle>\n");
                } else {
                    double left = s.x(n.at()) - 5;
                    h.append("<polygon class=\"marker ").append(status).append("\" points=\"")
                            .append(coordinate(left)).append(',').append(TOP - 6).append(' ')
                            .append(coordinate(left + 10)).append(',').append(TOP - 6).append(' ')
                            .append(x).append(',').append(TOP + 3).append("\" fill=\"").append(colour).append("\">")
                            .append(title).append("</polygon>\n");
                }
            }
        }
    }

    private static void notifications(StringBuilder h, RuleReport rule, BacktestReport r) {
        if (rule.notifications().isEmpty()) {
            h.append("<p class=\"none\">No notification would have been sent.</p>\n");
            return;
        }
        h.append("<table class=\"notifications\"><thead><tr><th>Time</th><th>Group</th><th>Channel</th>")
                .append("<th>Notification</th></tr></thead><tbody>\n");
        for (Notification n : rule.notifications()) {
            // the subject, as a tooltip: the lines say the same in more detail
            h.append("<tr title=\"").append(Html.escape(n.subject())).append("\"><td class=\"time\">")
                    .append(BacktestText.when(n.at(), r.zone())).append("</td><td>")
                    .append(Html.escape(n.group().isEmpty() ? "-" : n.group())).append("</td><td>")
                    .append(Html.escape(n.channel())).append("</td><td>")
                    .append(BacktestText.lines(n, r.currency()).stream().map(Html::escape)
                            .collect(Collectors.joining("<br/>")))
                    .append("</td></tr>\n");
        }
        h.append("</tbody></table>\n");
    }

    private static void actions(StringBuilder h, RuleReport rule, BacktestReport r) {
        if (rule.actions().isEmpty()) {
            return;
        }
        h.append("<table class=\"actions\"><thead><tr><th>Time</th><th>Group</th><th>Budget action that would")
                .append(" have been taken (UpdateUMInferAPIKey was not called)</th></tr></thead><tbody>\n");
        for (Action a : rule.actions()) {
            h.append("<tr><td class=\"time\">").append(BacktestText.when(a.createdAt(), r.zone())).append("</td><td>")
                    .append(Html.escape(a.group())).append("</td><td>")
                    .append(Html.escape(BacktestText.action(a, r.currency(), r.zone()))).append("</td></tr>\n");
        }
        h.append("</tbody></table>\n");
    }

    /** A value as the axis and the limit label show it: 200k, 1.5M; cost below a thousand as it is, 0.5. */
    private static String number(Metric metric, BigDecimal v) {
        return metric == Metric.COST && v.abs().compareTo(BigDecimal.valueOf(1000)) < 0
                ? v.stripTrailingZeros().toPlainString() : Format.compact(v);
    }

    private static String coordinate(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private static String colour(int line) {
        return LINE_COLOURS[line % LINE_COLOURS.length];
    }
}

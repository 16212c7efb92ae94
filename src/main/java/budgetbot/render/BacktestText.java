package budgetbot.render;

import budgetbot.backtest.BacktestReport;
import budgetbot.backtest.Notification;
import budgetbot.backtest.Peak;
import budgetbot.backtest.RuleReport;
import budgetbot.config.BudgetAction;
import budgetbot.config.Metric;
import budgetbot.guard.Action;
import budgetbot.rules.AnomalyScore;
import budgetbot.rules.Finding;
import budgetbot.rules.Kind;
import budgetbot.state.AlertEvent;
import budgetbot.state.AlertStatus;
import budgetbot.state.Notice;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * A backtest in words: the timeline as a table, a summary line per rule and hints about rules that look noisy or
 * never come near their limits. The JSON and HTML forms say the same sentences.
 */
public final class BacktestText {
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ENGLISH);
    /** More alerts a day than this on average is noise people learn to ignore. */
    private static final double NOISY_PER_DAY = 1.0;

    private BacktestText() {
    }

    public static String render(BacktestReport r, String config) {
        StringBuilder out = new StringBuilder();
        out.append(heading(r, config)).append("\n\n");
        List<Notification> timeline = r.timeline();
        if (timeline.isEmpty()) {
            out.append("No notification would have been sent.\n");
        } else {
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[]{"TIME", "RULE", "GROUP", "CHANNEL", "NOTIFICATION"});
            for (Notification n : timeline) {
                List<String> lines = lines(n, r.currency());
                rows.add(new String[]{when(n.at(), r.zone()), n.rule(), n.group().isEmpty() ? "-" : n.group(),
                        n.channel(), lines.get(0)});
                lines.stream().skip(1).forEach(l -> rows.add(new String[]{"", "", "", "", l}));
            }
            out.append(table(rows));
        }
        if (!r.actions().isEmpty()) {
            out.append("\nBudget actions that would have been taken (UpdateUMInferAPIKey was not called)\n");
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[]{"TIME", "RULE", "GROUP", "ACTION"});
            r.actions().forEach(a -> rows.add(new String[]{when(a.createdAt(), r.zone()), a.rule(), a.group(),
                    action(a, r.currency(), r.zone())}));
            out.append(table(rows));
        }
        out.append("\nSummary\n");
        for (RuleReport rule : r.rules()) {
            out.append("  ").append(summary(rule, r)).append('\n');
            hints(rule, r).forEach(h -> out.append("    hint: ").append(h).append('\n'));
        }
        return out.toString();
    }

    /** What was replayed: the span, the step and the number of checks. */
    public static String heading(BacktestReport r, String config) {
        return "Backtest of " + config + " from " + when(r.from(), r.zone()) + " to " + when(r.to(), r.zone()) + " ("
                + r.zone() + "), a check every " + duration(r) + ": " + Amounts.count(r.steps(), "check") + ", "
                + Amounts.count(r.timeline().size(), "notification") + " that would have been sent (nothing was)"
                + (r.actions().isEmpty() ? "" : ", " + Amounts.count(r.actions().size(), "budget action")
                + " that would have been taken (no key was changed)");
    }

    /**
     * "cap uminferapikey-prod's daily limit at CNY 0.4 (DailyLimitAmount=0.4), automatically; undone when its
     * period ends, 2026-11-23 00:00", or "disable uminferapikey-prod (ModelverseDisabled=1), after manual approval".
     */
    static String action(Action a, String currency, ZoneId zone) {
        String what = a.what() == BudgetAction.Do.DISABLE ? a.describe()
                : "cap " + a.keyId() + "'s " + (a.field().startsWith("Monthly") ? "monthly" : "daily") + " limit at "
                + currency + " " + a.target() + " (" + a.field() + "=" + a.target() + ")";
        return what + (a.approval() == BudgetAction.Approval.MANUAL ? ", after manual approval (action approve)"
                : ", automatically") + (a.untilPeriodEnd() ? "; undone when its period ends, "
                + when(a.periodEnd(), zone) : "");
    }

    /**
     * "prod-daily: 3 alerts in 14 days: 2 at 80%, 1 at 100%; highest 104% of the daily token budget (all, Fri 20
     * Nov 2026 14:05)".
     */
    public static String summary(RuleReport rule, BacktestReport r) {
        List<AlertEvent> alerts = rule.alerts();
        long resolved = rule.notifications().stream().flatMap(n -> n.alerts().stream())
                .filter(e -> e.status() == AlertStatus.RESOLVED).map(e -> e.finding().fingerprint()).distinct().count();
        StringBuilder s = new StringBuilder(rule.rule().name()).append(": ")
                .append(alerts.isEmpty() ? "no alerts" : Amounts.count(alerts.size(), "alert"))
                .append(" in ").append(days(r.days()));
        if (!alerts.isEmpty()) {
            s.append(": ").append(breakdown(alerts));
        }
        if (resolved > 0) {
            s.append(", ").append(resolved).append(" resolved");
        }
        highest(rule, r.zone(), r.currency()).ifPresent(h -> s.append("; highest ").append(h));
        if (!rule.actions().isEmpty()) {
            s.append("; ").append(Amounts.count(rule.actions().size(), "budget action")).append(" (")
                    .append(rule.actions().stream().map(a -> a.what().yamlName()).distinct()
                            .collect(Collectors.joining(", "))).append(")");
        }
        return s.toString();
    }

    /** Advice on a rule that would page too often, or that never came near what it watches for. */
    public static List<String> hints(RuleReport rule, BacktestReport r) {
        List<String> hints = new ArrayList<>();
        List<AlertEvent> alerts = rule.alerts();
        double perDay = r.days() > 0 ? alerts.size() / r.days() : 0;
        if (perDay > NOISY_PER_DAY) {
            long reminders = alerts.stream().filter(e -> e.status() == AlertStatus.REMINDER).count();
            List<Finding> anomalies = alerts.stream().filter(e -> e.status() != AlertStatus.REMINDER)
                    .map(AlertEvent::finding).filter(f -> f.kind() == Kind.ANOMALY).toList();
            hints.add("noisy: " + decimal(perDay) + " alerts a day on average; " + (reminders * 2 > alerts.size()
                    ? "most are reminders, so a longer repeat would quiet it"
                    : anomalies.size() * 2 > alerts.size() ? quieter(anomalies)
                    : "raise its thresholds or increase, or group it less finely, before people learn to ignore it"));
        }
        if (alerts.isEmpty()) {
            hints.add(!rule.rule().anomaly().isEmpty() && rule.rule().budgets().isEmpty()
                    && rule.rule().growth().isEmpty()
                    ? "never alerted: no hour stood out enough from its usual value for the same hour of the week"
                    : rule.budgetPeak().isEmpty() && rule.growthPeak().isEmpty()
                    ? "never alerted, and saw no usage to measure against: are its keys and models the ones in use?"
                    : "never alerted: it came no closer than the highest above, so its limits may be set too high "
                    + "to warn in time");
        }
        return hints;
    }

    /**
     * The anomaly settings that would have let through only the larger half of what the rule raised: the median
     * excess as {@code minExcess}, and the median z-score (where the hours varied) as {@code sensitivity}.
     */
    private static String quieter(List<Finding> anomalies) {
        List<AnomalyScore> scores = anomalies.stream().flatMap(f -> f.anomaly().stream()).toList();
        BigDecimal excess = median(scores.stream().map(AnomalyScore::excess).toList());
        List<BigDecimal> z = scores.stream().flatMap(a -> a.z().stream()).toList();
        return "most are anomalies; minExcess: " + (anomalies.get(0).metric() == Metric.COST ? excess.setScale(2, RoundingMode.UP)
                .toPlainString() : Format.compact(excess)) + " (the median excess of those hours)"
                + (z.isEmpty() ? "" : " or sensitivity: " + median(z).setScale(1, RoundingMode.UP).toPlainString()
                + " (their median score)") + " would have raised about half as many";
    }

    private static BigDecimal median(List<BigDecimal> values) {
        List<BigDecimal> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    /** The highest share of a budget and the highest growth, with where and when. */
    private static Optional<String> highest(RuleReport rule, ZoneId zone, String currency) {
        List<String> parts = new ArrayList<>();
        rule.budgetPeak().ifPresent(p -> parts.add(Format.share(p.value()) + " of the "
                + AlertFormatter.condition(p.finding()) + " (" + Amounts.of(p.finding().metric(), p.finding().used(),
                currency) + ", " + where(p, zone) + ")"));
        rule.growthPeak().ifPresent(p -> parts.add(Format.signedPercent(p.value()) + " "
                + AlertFormatter.condition(p.finding()) + " against a threshold of " + threshold(rule, p.finding())
                + " (" + where(p, zone) + ")"));
        return parts.isEmpty() ? Optional.empty() : Optional.of(String.join(" and ", parts));
    }

    /** "uminferapikey-prod, Fri 20 Nov 2026 14:05"; the moment alone for a rule's only group. */
    private static String where(Peak p, ZoneId zone) {
        return (p.finding().group().equals("all") ? "" : p.finding().group() + ", ") + Format.moment(p.at(), zone);
    }

    private static String threshold(RuleReport rule, Finding growth) {
        int index = Integer.parseInt(growth.condition().substring("growth[".length(), growth.condition().indexOf(']')));
        return Format.signedPercent(rule.rule().growth().get(index).increase());
    }

    /** "2 at 80%, 1 at 100%, 1 forecast, 3 growth, 4 reminders". */
    private static String breakdown(List<AlertEvent> alerts) {
        Map<BigDecimal, Long> budgetLevels = new TreeMap<>();
        long forecasts = 0;
        long growth = 0;
        long anomalies = 0;
        long reminders = 0;
        for (AlertEvent e : alerts) {
            if (e.status() == AlertStatus.REMINDER) {
                reminders++;
            } else if (e.finding().kind() == Kind.BUDGET) {
                budgetLevels.merge(e.finding().level(), 1L, Long::sum);
            } else if (e.finding().kind() == Kind.FORECAST) {
                forecasts++;
            } else if (e.finding().kind() == Kind.ANOMALY) {
                anomalies++;
            } else {
                growth++;
            }
        }
        List<String> parts = new ArrayList<>();
        budgetLevels.forEach((level, n) -> parts.add(n + " at " + Format.share(level)));
        if (forecasts > 0) {
            parts.add(forecasts + " forecast" + (forecasts == 1 ? "" : "s") + " over budget");
        }
        if (growth > 0) {
            parts.add(growth + " growth");
        }
        if (anomalies > 0) {
            parts.add(anomalies + (anomalies == 1 ? " anomaly" : " anomalies"));
        }
        if (reminders > 0) {
            parts.add(Amounts.count(reminders, "reminder"));
        }
        return String.join(", ", parts);
    }

    /** One line per alert of the message, or the notice. */
    static List<String> lines(Notification n, String currency) {
        if (n.notice().isPresent()) {
            Notice notice = n.notice().get();
            return List.of("notice " + notice.kind().name().toLowerCase(Locale.ROOT) + ": " + notice.detail());
        }
        return n.alerts().stream().map(e -> describe(e, currency)).toList();
    }

    /** "firing: daily token budget at 80% for uminferapikey-prod (8,012,345 of 10,000,000 tokens)". */
    static String describe(AlertEvent e, String currency) {
        Finding f = e.finding();
        String numbers = switch (f.kind()) {
            case BUDGET, FORECAST, QUOTA -> Amounts.of(f.metric(), f.used(), currency) + f.limit()
                    .map(l -> " of " + Amounts.of(f.metric(), l, currency)).orElse("")
                    + f.forecast().filter(p -> f.kind() == Kind.FORECAST)
                    .map(p -> ", heading for " + Amounts.of(f.metric(), p.total(), currency)).orElse("");
            case GROWTH, ANOMALY -> Amounts.of(f.metric(), f.used(), currency) + f.baseline()
                    .map(b -> " against " + Amounts.of(f.metric(), b, currency)).orElse("");
        };
        // a resolved condition no longer holds: its summary ("+151%", "from zero") would read as if it did
        String what = e.status() == AlertStatus.RESOLVED ? AlertFormatter.condition(f) + " back to normal"
                + ("all".equals(f.group()) ? "" : " for " + f.group()) : AlertFormatter.summary(f);
        return status(e.status()) + ": " + what + " (" + numbers + ")";
    }

    static String status(AlertStatus s) {
        return s.name().toLowerCase(Locale.ROOT);
    }

    static String when(Instant t, ZoneId zone) {
        return WHEN.format(t.atZone(zone));
    }

    /** "5m", "1h", "1h30m". */
    static String duration(BacktestReport r) {
        return r.step().toString().substring(2).toLowerCase(Locale.ROOT);
    }

    private static String days(double days) {
        return decimal(days) + (days == 1 ? " day" : " days");
    }

    private static String decimal(double d) {
        return BigDecimal.valueOf(d).setScale(1, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
    }

    private static String table(List<String[]> rows) {
        int[] widths = new int[rows.get(0).length];
        rows.forEach(row -> {
            for (int i = 0; i < row.length - 1; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        });
        return rows.stream().map(row -> {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                line.append(i < row.length - 1 ? String.format(Locale.ROOT, "%-" + widths[i] + "s  ", row[i]) : row[i]);
            }
            return line.toString().stripTrailing();
        }).collect(Collectors.joining("\n", "", "\n"));
    }
}

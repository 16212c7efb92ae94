package budgetbot.server;

import budgetbot.app.App;
import budgetbot.config.Metric;
import budgetbot.config.RuleConfig;
import budgetbot.config.ServerConfig;
import budgetbot.delivery.Backlog;
import budgetbot.guard.Action;
import budgetbot.observe.FetchHealth;
import budgetbot.observe.LastEvaluations;
import budgetbot.observe.Telemetry;
import budgetbot.render.Amounts;
import budgetbot.render.KeyLabels;
import budgetbot.render.Words;
import budgetbot.render.AnomalyWords;
import budgetbot.render.Html;
import budgetbot.rules.Finding;
import budgetbot.rules.Kind;
import budgetbot.state.Acknowledgement;
import budgetbot.state.Silence;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.function.Supplier;

/**
 * The status page: one screen that tells an operator whether the bot works and a finance lead where each budget
 * stands. Server-rendered HTML with inline CSS, no scripts and nothing loaded from elsewhere; it reloads itself,
 * and every name in it is escaped.
 */
final class StatusPage {
    static final int REFRESH_SECONDS = 30;
    /** The newest actions listed; `budgetbot action list` has them all. */
    private static final int ACTIONS_SHOWN = 20;
    private static final String CSS = """
            *{box-sizing:border-box}
            body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#1f2937;background:#f3f4f6}
            main{max-width:960px;margin:0 auto;padding:12px}
            h1{font-size:22px;margin:4px 0}h2{font-size:18px;margin:20px 0 8px}h3{font-size:16px;margin:0 0 4px}
            .card{background:#fff;border:1px solid #e5e7eb;border-radius:8px;padding:12px;margin:8px 0}
            .meta{color:#6b7280;font-size:13px;margin:2px 0}
            .ok{color:#067647}.bad{color:#b42318}.muted{color:#6b7280}
            .banner{font-weight:600;padding:8px 12px;border-radius:6px}
            .banner.ok{background:#ecfdf3}.banner.bad{background:#fef3f2}
            .budget{margin:10px 0 0}
            .label{display:flex;flex-wrap:wrap;justify-content:space-between;gap:4px 12px}
            .pct{font-weight:700}
            .bar{position:relative;height:14px;background:#e5e7eb;border-radius:7px;overflow:hidden;margin:4px 0}
            .fill{height:100%;background:#12b76a}.fill.warn{background:#f79009}.fill.over{background:#d92d20}
            .nums{font-size:13px;color:#4b5563}
            .scroll{overflow-x:auto}
            table{border-collapse:collapse;width:100%;font-size:14px}
            th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #eef0f3;vertical-align:top}
            th{color:#6b7280;font-weight:500}
            code{font-size:13px;word-break:break-all}
            """;

    private final App app;
    private final Health.Report health;
    private final Instant now;
    private final ZoneId zone;
    private final String currency;
    private final KeyLabels labels;
    private final Words w;
    private final StringBuilder h = new StringBuilder(16_384);

    private StatusPage(App app, Health.Report health) {
        this.app = app;
        this.health = health;
        this.now = health.at();
        this.zone = app.config().calendar().zone();
        this.currency = app.config().prices().currency();
        this.labels = app.keyLabels();
        this.w = Words.of(app.config().locale());
    }

    static String render(App app, Health.Report health) {
        return new StatusPage(app, health).page();
    }

    private String page() {
        Optional<List<Silence>> silences = read(() -> app.store().silences(now));
        h.append("<!DOCTYPE html>\n<html lang=\"").append(w.locale().toLanguageTag())
                .append("\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<meta http-equiv=\"refresh\" content=\"").append(REFRESH_SECONDS).append("\">")
                .append("<title>").append(e(w.get("page.title"))).append("</title><style>").append(CSS)
                .append("</style></head>\n<body><main>\n");
        header();
        h.append("<h2>").append(e(w.get("page.budgets"))).append("</h2>\n");
        for (RuleConfig rule : app.config().rules()) {
            rule(rule, silences.orElse(List.of()));
        }
        alerts(silences.orElse(List.of()), read(() -> app.store().acknowledgements()).orElse(List.of()));
        silences(silences);
        actions();
        deliveries();
        footer();
        h.append("</main></body></html>\n");
        return h.toString();
    }

    private void header() {
        h.append("<h1>budgetbot</h1>\n<p class=\"meta\">").append(e(w.get("page.asOf", moment(now), zone.getId())))
                .append(" · config <code>").append(e(app.config().file().toString())).append("</code> · ")
                .append(e(w.get("page.reloads", REFRESH_SECONDS))).append("</p>\n");
        app.config().server().filter(ServerConfig::openToTheNetwork).ifPresent(s -> h.append(
                "<p class=\"banner bad\" id=\"open\">").append(e(s.openWarning())).append("</p>\n"));
        if (health.healthy() && health.blind().isEmpty() && health.undelivered().isEmpty()) {
            h.append("<p class=\"banner ok\" id=\"health\">").append(e(w.get("page.working"))).append("</p>\n");
            return;
        }
        h.append("<div class=\"banner bad\" id=\"health\">").append(e(w.get(!health.healthy() ? "page.unhealthy"
                : health.blind().isEmpty() ? "page.undelivered" : "page.blind"))).append("<ul>");
        for (Health.Failure f : Stream.of(health.failures(), health.blind(), health.undelivered())
                .flatMap(List::stream).toList()) {
            h.append("<li>").append(e(w.get("page.failure", f.component(), f.problem(), moment(f.since()))))
                    .append("</li>");
        }
        h.append("</ul></div>\n");
    }

    private void rule(RuleConfig rule, List<Silence> silences) {
        h.append("<section class=\"card rule\" data-rule=\"").append(e(rule.name())).append("\"><h3>")
                .append(e(rule.name())).append("</h3>");
        Optional<FetchHealth.Status> fetch = app.telemetry().fetches().of(rule.name());
        if (fetch.isEmpty()) {
            h.append("<p class=\"meta fetch\">").append(e(w.get("page.notChecked"))).append("</p>");
        } else if (fetch.get().failingSince().isPresent()) {
            h.append("<p class=\"meta fetch bad\">").append(e(w.get("page.fetchFailing",
                    moment(fetch.get().failingSince().get()), fetch.get().lastSuccess()
                            .map(t -> w.get("page.lastFetched", moment(t))).orElse(""),
                    fetch.get().lastError().orElse("")))).append("</p>");
        } else {
            h.append("<p class=\"meta fetch ok\">").append(e(w.get("page.fetched",
                    moment(fetch.get().lastSuccess().orElseThrow()), ago(fetch.get().lastSuccess().get()))))
                    .append("</p>");
        }
        app.telemetry().scopes().of(rule.name()).filter(s -> !s.problems().isEmpty()).ifPresent(s -> {
            h.append("<div class=\"meta scope bad\">").append(e(s.blind() ? w.get("page.seesNothing")
                    : w.get("page.seesSome", s.series()))).append("<ul>");
            s.problems().forEach(p -> h.append("<li>").append(e(p)).append("</li>"));
            h.append("</ul></div>");
        });
        silences.stream().filter(s -> s.rule().equals(rule.name())).forEach(s -> h.append("<p class=\"meta\">")
                .append(e(w.get("page.silenced", s.group().map(g -> w.get("page.silencedFor", labels.group(g)))
                        .orElse(""), moment(s.endsAt()), s.reason()))).append("</p>"));
        List<Finding> findings = app.telemetry().evaluations().of(rule.name())
                .map(LastEvaluations.Evaluation::findings).orElse(List.of());
        findings.stream().filter(f -> f.kind() == Kind.BUDGET).forEach(this::budget);
        findings.stream().filter(f -> f.kind() == Kind.ANOMALY).forEach(this::anomaly);
        if (findings.isEmpty() && (!rule.budgets().isEmpty() || !rule.anomaly().isEmpty())) {
            h.append("<p class=\"muted\">").append(e(w.get("page.noStanding"))).append("</p>");
        }
        h.append("</section>\n");
    }

    private void budget(Finding f) {
        BigDecimal limit = f.limit().orElseThrow();
        BigDecimal ratio = limit.signum() == 0 ? BigDecimal.ONE : f.used().divide(limit, MathContext.DECIMAL64);
        double width = Math.min(100.0, ratio.doubleValue() * 100.0);
        String tone = ratio.compareTo(BigDecimal.ONE) >= 0 ? " over" : f.active() ? " warn" : "";
        h.append("<div class=\"budget\" data-group=\"").append(e(f.group())).append("\" data-ratio=\"")
                .append(ratio.setScale(4, RoundingMode.HALF_UP).toPlainString()).append("\">")
                .append("<div class=\"label\"><span>").append(e(w.get("digest.per", w.unit(f.metric()),
                        w.get("period." + f.period().name())))).append(" · <b>").append(e(labels.group(f.group())))
                .append("</b></span>")
                .append("<span class=\"pct\">").append(Amounts.percent(ratio, 0, RoundingMode.DOWN)).append("</span></div>")
                .append("<div class=\"bar\" role=\"img\" aria-label=\"").append(Amounts.percent(ratio, 0, RoundingMode.DOWN))
.append(e(w.get("page.ofTheLimit")))
                .append("\"><div class=\"fill").append(tone).append("\" style=\"width:")
                .append(String.format(Locale.ROOT, "%.2f", width)).append("%\"></div></div>")
                .append("<div class=\"nums\">").append(e(w.get("page.usedOf", amount(f.metric(), f.used()),
                        amount(f.metric(), limit))));
        f.forecast().ifPresent(p -> h.append(" · ").append(e(w.get("page.forecast", amount(f.metric(), p.total()))))
                .append(e(p.limitReachedAt().map(t -> w.get("page.limitReached", moment(t))).orElse(""))));
        h.append(" · ").append(e(w.get("page.periodEnds", moment(f.window().end())))).append("</div></div>");
    }

    /** The group's last complete hour against its expected value, or why it is not scored. */
    private void anomaly(Finding f) {
        h.append("<p class=\"anomaly").append(f.active() ? " warn" : "").append("\" data-group=\"").append(e(f.group()))
                .append("\">").append(e(new AnomalyWords(w).standing(f, currency, zone, labels))).append("</p>");
    }

    private void alerts(List<Silence> silences, List<Acknowledgement> acknowledged) {
        h.append("<h2>").append(e(w.get("page.activeAlerts"))).append("</h2>\n<div class=\"card scroll\">");
        StringBuilder rows = new StringBuilder();
        for (RuleConfig rule : app.config().rules()) {
            for (Finding f : app.telemetry().evaluations().of(rule.name()).map(LastEvaluations.Evaluation::findings)
                    .orElse(List.of())) {
                if (f.active()) {
                    boolean silenced = silences.stream().anyMatch(s -> s.mutes(f.rule(), f.group(), now));
                    Optional<Acknowledgement> ack = acknowledged.stream().filter(a -> a.covers(f)).findFirst();
                    rows.append("<tr><td>").append(e(f.rule())).append("</td><td>").append(e(labels.group(f.group())))
                            .append("</td><td>").append(e(what(f))).append("</td><td>").append(e(level(f)))
                            .append("</td><td>")
                            .append(e(w.get(silenced ? "page.stateSilenced" : "page.stateAnnounced")))
                            .append(e(ack.map(a -> w.get("page.acknowledged", a.userName(), moment(a.at())))
                                    .orElse(""))).append("</td></tr>");
                }
            }
        }
        if (rows.isEmpty()) {
            h.append("<p class=\"ok\">").append(e(w.get("page.none"))).append("</p>");
        } else {
            header("column.rule", "column.group", "page.condition", "page.level", "page.state");
            h.append(rows).append("</table>");
        }
        h.append("</div>\n");
    }

    private void silences(Optional<List<Silence>> silences) {
        h.append("<h2>").append(e(w.get("digest.silences")))
                .append("</h2>\n<div class=\"card scroll\" id=\"silences\">");
        if (silences.isEmpty()) {
            h.append("<p class=\"bad\">").append(e(w.get("page.silencesUnreadable"))).append("</p>");
        } else if (silences.get().isEmpty()) {
            h.append("<p class=\"muted\">").append(e(w.get("page.noSilences"))).append(" <code>budgetbot silence add")
                    .append(" --rule R --until TIME --reason TEXT</code></p>");
        } else {
            header("page.number", "column.rule", "column.group", "column.until", "column.reason");
            for (Silence s : silences.get()) {
                h.append("<tr><td>").append(s.id()).append("</td><td>").append(e(s.rule())).append("</td><td>")
                        .append(e(s.group().map(labels::group).orElse(w.get("digest.everyGroup")))).append("</td><td>")
                        .append(moment(s.endsAt()))
                        .append("</td><td>").append(e(s.reason())).append("</td></tr>");
            }
            h.append("</table>");
        }
        h.append("</div>\n");
    }

    /** The budget actions, newest first: what budgetbot did (or asks to do) to keys in UCloud, and who decided. */
    private void actions() {
        h.append("<h2>").append(e(w.get("page.actions"))).append("</h2>\n<div class=\"card scroll\" id=\"actions\">");
        Optional<List<Action>> actions = read(() -> app.actions().list());
        if (actions.isEmpty()) {
            h.append("<p class=\"bad\">").append(e(w.get("page.actionsUnreadable"))).append("</p>");
        } else if (actions.get().isEmpty()) {
            h.append("<p class=\"muted\">").append(e(w.get("page.noActions"))).append("</p>");
        } else {
            header("page.number", "column.actionStatus", "column.rule", "column.action", "column.before", "column.when",
                    "column.by");
            for (Action a : actions.get().subList(0, Math.min(ACTIONS_SHOWN, actions.get().size()))) {
                h.append("<tr><td>").append(a.id()).append("</td><td>")
                        .append(e(a.status().name().toLowerCase(Locale.ROOT))).append("</td><td>").append(e(a.rule()))
                        .append("</td><td>").append(e(a.describe())).append("</td><td>")
                        .append(e(a.before().orElse(""))).append("</td><td>").append(moment(a.updatedAt()))
                        .append("</td><td>").append(e(app.actions().decidedBy(a.id()).orElse(""))).append("</td></tr>");
            }
            h.append("</table>");
        }
        h.append("</div>\n");
    }

    private void deliveries() {
        h.append("<h2>").append(e(w.get("page.deliveries")))
                .append("</h2>\n<div class=\"card scroll\" id=\"deliveries\">");
        Optional<List<Backlog>> backlog = read(() -> app.outbox().backlog());
        if (backlog.isEmpty()) {
            h.append("<p class=\"bad\">").append(e(w.get("page.outboxUnreadable"))).append("</p>");
        } else if (backlog.get().isEmpty()) {
            h.append("<p class=\"ok\">").append(e(w.get("page.allDelivered"))).append("</p>");
        } else {
            header("page.channel", "page.waiting", "page.oldest", "page.lastError");
            for (Backlog b : backlog.get()) {
                h.append("<tr><td>").append(e(b.channel())).append("</td><td>").append(b.pending())
                        .append("</td><td>").append(moment(b.oldest())).append("</td><td>")
                        .append(e(b.lastError().orElse("–"))).append("</td></tr>");
            }
            h.append("</table>");
        }
        h.append("</div>\n");
    }

    private void footer() {
        h.append("<p class=\"meta\">");
        Optional<Telemetry.Reload> reload = app.telemetry().lastReload();
        reload.ifPresent(r -> h.append(r.error().isEmpty() ? e(w.get("page.reloaded", moment(r.at()))) + " "
                : "<span class=\"bad\">" + e(w.get("page.notApplied", moment(r.at()), r.error().get())) + "</span> "));
        h.append(e(w.get("page.machineReadable"))).append(" <a href=\"/healthz\">/healthz</a> · ")
                .append("<a href=\"/metrics\">/metrics</a></p>\n");
    }

    /** A table's opening and its header row, the columns named by their words' keys. */
    private void header(String... columns) {
        h.append("<table><tr>");
        for (String c : columns) {
            h.append("<th>").append(e(w.get(c))).append("</th>");
        }
        h.append("</tr>");
    }

    private String amount(Metric metric, BigDecimal value) {
        return w.amount(metric, value, currency);
    }

    private String what(Finding f) {
        return w.get("page.kind." + f.kind().name(), w.get("digest.per", w.unit(f.metric()),
                w.get("period." + f.period().name())));
    }

    private String level(Finding f) {
        return switch (f.kind()) {
            case BUDGET, QUOTA -> Amounts.percent(f.level(), 1, RoundingMode.DOWN);
            case FORECAST -> f.forecast().map(p -> w.get("page.headingFor", Amounts.percent(p.total().divide(
                    f.limit().orElseThrow(), MathContext.DECIMAL64), 0, RoundingMode.DOWN)))
                    .orElse(w.get("page.kind.FORECAST", "").strip());
            case GROWTH -> f.increase().map(i -> "+" + Amounts.percent(i, 0, RoundingMode.DOWN))
                    .orElse(w.get("page.grew"));
            case ANOMALY -> f.increase().map(i -> w.get("page.timesExpected", i.add(BigDecimal.ONE)
                    .setScale(1, RoundingMode.HALF_UP).toPlainString())).orElse(w.get("page.fromNone"));
        };
    }

    private String moment(Instant t) {
        return w.dayAndTime(t.atZone(zone));
    }

    private String ago(Instant t) {
        long minutes = Duration.between(t, now).toMinutes();
        return minutes < 1 ? w.get("page.justNow") : minutes < 120 ? w.get("page.minutesAgo", minutes)
                : w.get("page.hoursAgo", minutes / 60);
    }

    /** A part of the page that reads the database shows what it could read, or that it could not. */
    private static <T> Optional<T> read(Supplier<T> query) {
        try {
            return Optional.of(query.get());
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private static String e(String s) {
        return Html.escape(s);
    }
}

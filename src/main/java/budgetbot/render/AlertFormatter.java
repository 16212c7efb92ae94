package budgetbot.render;

import budgetbot.config.Metric;
import budgetbot.notify.Brief;
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
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Renders the alerts of one rule and group that became due together as one message, for every channel type at
 * once: email subject, plain text (also the console form), Slack's fallback text, HTML and Slack Block Kit. All
 * come from one list of facts so that they say the same.
 *
 * <p>A message has a part per condition: a budget (its threshold and forecast alerts together, since they are
 * about the same numbers) or a growth check. Its headline names the real share used and the threshold crossed,
 * and once a limit is crossed it never says the limit is still to be reached.
 */
public final class AlertFormatter {
    private static final int NAMES_SHOWN = 10;
    private static final DateTimeFormatter CLOCK_TIME = DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT);
    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT);
    private static final Pattern RECENT_RATE = Pattern.compile("recent rate over the last (.+)");

    private final Words w;
    private final KeyLabels labels;
    private final Function<Finding, Optional<String>> actions;

    private AlertFormatter(Words w, KeyLabels labels) {
        this(w, labels, f -> Optional.empty());
    }

    private AlertFormatter(Words w, KeyLabels labels, Function<Finding, Optional<String>> actions) {
        this.w = w;
        this.labels = labels;
        this.actions = actions;
    }

    /** What the alert says, before rendering; names are raw and escaped by each renderer. */
    record Fact(String label, String value) {
    }

    /**
     * One condition of the message.
     *
     * @param name  what the condition is, as a person reads it ("daily token budget of 20,000,000 tokens")
     * @param title what happened to it, for the headline ("97% of daily token budget used (crossed 80%)")
     */
    private record Part(String name, String title, AlertStatus status, List<Fact> facts, List<String> contributors,
                        List<AlertEvent> events) {
    }

    /** @param byGroup a part per group (a burst): its heading is the group's name as it is, not capitalized */
    private record Alert(String headline, List<Part> parts, String footer, boolean resolved, boolean escalated,
                         boolean byGroup) {
        Alert(String headline, List<Part> parts, String footer, boolean resolved, boolean escalated) {
            this(headline, parts, footer, resolved, escalated, false);
        }

        String heading(Part p) {
            return byGroup ? p.name() : capitalized(p.name());
        }
    }

    /** What events must share to go out as one message ({@link #format(List)}): their rule and group. */
    public static List<String> messageKey(AlertEvent e) {
        return List.of(e.finding().rule(), e.finding().group());
    }

    /**
     * One message of kind {@code alert} for events of one rule and group, in the order given (the evaluator's:
     * budgets, each followed by its forecast, then growth).
     *
     * @throws IllegalArgumentException when {@code events} is empty or mixes rules or groups
     */
    public static Message format(List<AlertEvent> events) {
        return format(events, KeyLabels.NONE, Words.EN);
    }

    /** As {@link #format(List)}, in {@code words}, naming keys with {@code labels}. */
    public static Message format(List<AlertEvent> events, KeyLabels labels, Words words) {
        return new AlertFormatter(words, labels).one(events);
    }

    /**
     * As {@link #format(List, KeyLabels, Words)}; a budget's part also says what its budget action is doing
     * ({@code actions}, by the budget's threshold finding: waits for approval and how to give it, done and how to
     * undo it...), so that the alert that crosses an action's threshold says what happens.
     */
    public static Message format(List<AlertEvent> events, KeyLabels labels, Words words,
                                 Function<Finding, Optional<String>> actions) {
        return new AlertFormatter(words, labels, actions).one(events);
    }

    private Message one(List<AlertEvent> events) {
        if (events.isEmpty()) {
            throw new IllegalArgumentException("no alert events to format");
        }
        Finding first = events.get(0).finding();
        for (AlertEvent e : events) {
            if (!e.finding().rule().equals(first.rule()) || !e.finding().group().equals(first.group())) {
                throw new IllegalArgumentException("one message is about one rule and group: " + first.rule() + "/"
                        + first.group() + " and " + e.finding().rule() + "/" + e.finding().group());
            }
        }
        List<Part> parts = parts(events);
        String name = "all".equals(first.group()) ? first.rule()
                : w.get("alert.ruleGroup", first.rule(), labels.group(first.group()));
        AlertStatus lead = parts.get(0).status();
        String headline = w.get("headline." + lead.name(), w.get("alert.headline", name,
                parts.stream().map(Part::title).collect(Collectors.joining(w.get("list.semicolon")))));
        String footer = w.get("alert.footer", first.rule(), labels.group(first.group()),
                parts.stream().map(Part::name).collect(Collectors.joining(w.get("list.comma"))),
                names(first.keys().stream().map(labels::key).toList()), names(first.models()));
        Alert a = new Alert(headline, parts, footer,
                events.stream().allMatch(e -> e.status() == AlertStatus.RESOLVED),
                events.stream().anyMatch(e -> e.status() == AlertStatus.ESCALATED));
        Brief.Tone tone = a.resolved() ? Brief.Tone.RESOLVED
                : events.stream().anyMatch(AlertFormatter::critical) ? Brief.Tone.CRITICAL : Brief.Tone.WARNING;
        List<Brief.Alert> alerts = new ArrayList<>();
        for (Part p : parts) {
            p.events().forEach(e -> alerts.add(BriefAlerts.of(e, w.get("alert.headline", name, p.title()),
                    description(p),
                    critical(e) ? "critical" : "warning")));
        }
        return message("alert", a, tone, alerts).withSlackActions(SlackButtons.of(events, w));
    }

    /**
     * One message for the events of one rule over many groups that one check announced to a channel (more groups
     * than the rule's {@code summarizeAbove}): a part per group, worst first, each condition in a line with what
     * the group's own message would say of it. A burst of 15 keys over their budgets is one message, not 15.
     *
     * @throws IllegalArgumentException when {@code events} is empty or mixes rules
     */
    public static Message burst(List<AlertEvent> events) {
        return burst(events, KeyLabels.NONE, Words.EN);
    }

    /** As {@link #burst(List)}, in {@code words}, naming keys with {@code labels}. */
    public static Message burst(List<AlertEvent> events, KeyLabels labels, Words words) {
        return new AlertFormatter(words, labels).many(events);
    }

    private Message many(List<AlertEvent> events) {
        if (events.isEmpty()) {
            throw new IllegalArgumentException("no alert events to format");
        }
        Finding first = events.get(0).finding();
        Map<String, List<AlertEvent>> byGroup = new LinkedHashMap<>();
        for (AlertEvent e : events) {
            if (!e.finding().rule().equals(first.rule())) {
                throw new IllegalArgumentException("one message is about one rule: " + first.rule() + " and "
                        + e.finding().rule());
            }
            byGroup.computeIfAbsent(e.finding().group(), g -> new ArrayList<>()).add(e);
        }
        List<Part> groups = new ArrayList<>();
        byGroup.forEach((group, same) -> {
            List<Part> conditions = parts(same);
            groups.add(new Part(labels.group(group), conditions.stream().map(Part::title)
                    .collect(Collectors.joining(w.get("list.semicolon"))), conditions.get(0).status(),
                    conditions.stream().map(c -> new Fact(capitalized(c.name()), numbers(c))).toList(), List.of(),
                    same));
        });
        groups.sort(Comparator.comparingDouble(AlertFormatter::badness).reversed());
        long resolved = groups.stream().filter(p -> p.status() == AlertStatus.RESOLVED).count();
        Part worst = groups.get(0);
        String headline = resolved == groups.size()
                ? w.get("headline.RESOLVED", w.get("burst.resolved", first.rule(), groups.size()))
                : w.get("burst.headline", first.rule(), groups.size(), worst.name(), worst.title())
                + (resolved > 0 ? w.get("burst.someResolved", resolved) : "");
        String footer = w.get("burst.footer", first.rule(), groups.size(),
                names(events.stream().flatMap(e -> e.finding().keys().stream()).distinct().map(labels::key).toList()),
                names(events.stream().flatMap(e -> e.finding().models().stream()).distinct().toList()));
        Alert a = new Alert(headline, groups, footer, resolved == groups.size(),
                events.stream().anyMatch(e -> e.status() == AlertStatus.ESCALATED), true);
        Brief.Tone tone = a.resolved() ? Brief.Tone.RESOLVED
                : events.stream().anyMatch(AlertFormatter::critical) ? Brief.Tone.CRITICAL : Brief.Tone.WARNING;
        List<Brief.Alert> alerts = new ArrayList<>();
        for (Part g : groups) {
            g.events().forEach(e -> alerts.add(BriefAlerts.of(e, w.get("alert.headline",
                    w.get("alert.ruleGroup", first.rule(), g.name()), g.title()),
                    description(g), critical(e) ? "critical" : "warning")));
        }
        return message("alert", a, tone, alerts);
    }

    /** A condition's numbers in one line, for a burst: its facts but the period and status, which the group shares. */
    private String numbers(Part condition) {
        return condition.facts().stream()
                .filter(f -> !f.label().equals(w.get("fact.period")) && !f.label().equals(w.get("fact.status")))
                .map(f -> w.get("fact", f.label(), f.value())).collect(Collectors.joining(w.get("list.semicolon")));
    }

    /** How bad a group of a burst is, to list the worst first: its largest share of a limit, or its growth. */
    private static double badness(Part group) {
        if (group.status() == AlertStatus.RESOLVED) {
            return -1;
        }
        return group.events().stream().mapToDouble(e -> {
            Finding f = e.finding();
            return f.limit().filter(l -> l.signum() > 0).map(l -> f.used().divide(l, MathContext.DECIMAL64))
                    .or(f::increase).map(BigDecimal::doubleValue).orElse(0.0);
        }).max().orElse(0);
    }

    private Message message(String kind, Alert a, Brief.Tone tone, List<Brief.Alert> alerts) {
        String text = text(a);
        Brief brief = new Brief(tone, a.headline(), a.parts().stream().map(p -> new Brief.Part(
                named(a) ? a.heading(p) : "", p.facts().stream().map(f -> new Brief.Field(f.label(),
                f.value())).toList(), detail(p))).toList(), a.footer(), alerts);
        return new Message(kind, Amounts.SUBJECT_PREFIX + a.headline(), text, Mrkdwn.fallback(text), html(a),
                blocks(a), List.of(), brief);
    }

    /** A part's detail for a chat: its top contributors under their heading. */
    private List<String> detail(Part p) {
        if (p.contributors().isEmpty()) {
            return List.of();
        }
        List<String> lines = new ArrayList<>(List.of(w.get("fact", w.get("alert.contributors"), "").strip()));
        lines.addAll(p.contributors());
        return lines;
    }

    /** An incident's severity: critical once a limit is reached or a higher threshold crossed. */
    private static boolean critical(AlertEvent e) {
        return e.status() == AlertStatus.ESCALATED || over(e.finding());
    }

    private String description(Part p) {
        return p.facts().stream().map(f -> w.get("fact", f.label(), f.value())).collect(Collectors.joining("\n"));
    }

    /**
     * A message of {@code kind} about one thing (a notice), laid out like an alert: the headline, its facts and a
     * footer, in text, HTML and Block Kit that say the same.
     */
    static Message single(String kind, String headline, AlertStatus tone, List<Fact> facts, String footer,
                          List<Brief.Alert> alerts, Words words) {
        Alert a = new Alert(headline, List.of(new Part("", headline, tone, facts, List.of(), List.of())), footer,
                tone == AlertStatus.RESOLVED, tone == AlertStatus.ESCALATED);
        return new AlertFormatter(words, KeyLabels.NONE).message(kind, a,
                tone == AlertStatus.RESOLVED ? Brief.Tone.RESOLVED : Brief.Tone.INFO, alerts);
    }

    /**
     * The condition a finding is about, as a person reads it: "daily token budget", "daily token budget
     * forecast", "daily token growth".
     */
    static String condition(Finding f) {
        return condition(f, Words.EN);
    }

    /** As {@link #condition(Finding)}, in {@code w}. */
    static String condition(Finding f, Words w) {
        return w.get("condition." + f.kind().name(), w.adjective(f.period()), w.noun(f.metric()));
    }

    /**
     * One active finding in a few words for a check's summary line: "daily token budget at 97% for
     * uminferapikey-prod", "daily token growth +134%".
     */
    public static String summary(Finding f) {
        String state = switch (f.kind()) {
            case BUDGET -> share(f).map(s -> " at " + s).orElse("");
            case FORECAST -> "";
            case GROWTH -> f.increase().map(i -> " " + increase(i)).orElse(" from zero");
            case ANOMALY -> AnomalyWords.summary(f);
            case QUOTA -> QuotaWords.summary(f);
        };
        return condition(f) + state + ("all".equals(f.group()) ? "" : " for " + f.group());
    }

    /** Budget events (threshold and forecast) of the same budget share a part; each growth check has its own. */
    private List<Part> parts(List<AlertEvent> events) {
        Map<List<Object>, List<AlertEvent>> byCondition = new LinkedHashMap<>();
        for (AlertEvent e : events) {
            Finding f = e.finding();
            List<Object> key = f.kind() == Kind.GROWTH || f.kind() == Kind.ANOMALY || f.kind() == Kind.QUOTA
                    ? List.of(f.condition())
                    : List.of(f.metric(), f.period(), f.limit());
            byCondition.computeIfAbsent(key, k -> new ArrayList<>()).add(e);
        }
        List<Part> parts = new ArrayList<>();
        List<List<String>> listed = new ArrayList<>();
        for (List<AlertEvent> same : byCondition.values()) {
            Kind kind = same.get(0).finding().kind();
            Part p = kind == Kind.GROWTH ? growth(same.get(0))
                    : kind == Kind.ANOMALY ? anomaly(same.get(0))
                    : kind == Kind.QUOTA ? quota(same.get(0)) : budget(same);
            // a budget and a growth check of the same metric and period have the same contributors: list them once
            boolean repeated = listed.contains(p.contributors());
            listed.add(p.contributors());
            parts.add(repeated ? new Part(p.name(), p.title(), p.status(), p.facts(), List.of(), p.events()) : p);
        }
        return parts;
    }

    private Part budget(List<AlertEvent> events) {
        Optional<AlertEvent> threshold = events.stream().filter(e -> e.finding().kind() == Kind.BUDGET).findFirst();
        Optional<AlertEvent> forecast = events.stream().filter(e -> e.finding().kind() == Kind.FORECAST).findFirst();
        AlertEvent lead = threshold.orElseGet(forecast::orElseThrow);
        Finding f = lead.finding();
        String budget = w.get("condition.BUDGET", w.adjective(f.period()), w.noun(f.metric()));
        String name = f.limit().map(l -> w.get("budget.of", budget, amount(lead, l))).orElse(budget);
        boolean thresholdFiring = threshold.filter(e -> e.status() != AlertStatus.RESOLVED).isPresent();
        boolean forecastFiring = forecast.filter(e -> e.status() != AlertStatus.RESOLVED).isPresent();
        String title;
        if (thresholdFiring || forecastFiring) {
            String share = share(f).orElseGet(() -> amount(lead, f.used()));
            String crossed = Amounts.percent(f.level(), 1, RoundingMode.DOWN);
            title = w.get("budget.used", share, budget)
                    + (thresholdFiring && f.level().signum() > 0 && !crossed.equals(share)
                    ? w.get("budget.crossed", crossed) : "")
                    + (forecastFiring ? w.get("list.semicolon") + overAtThisRate(lead) : "");
        } else if (forecast.isPresent()) {
            title = w.get("budget.forecastResolved", budget);
        } else {
            title = w.get("budget.resolved", w.adjective(f.period()), w.noun(f.metric()));
        }
        List<Fact> facts = new ArrayList<>();
        facts.add(new Fact(w.get("fact.used"), used(lead)));
        if (threshold.isPresent() && f.level().signum() > 0) {
            facts.add(new Fact(w.get("fact.threshold"), Amounts.percent(f.level(), 1, RoundingMode.DOWN)));
        }
        f.forecast().ifPresent(p -> facts.add(new Fact(w.get("fact.forecast"),
                w.get("budget.forecast", amount(lead, p.total()), method(p)))));
        limit(lead).ifPresent(l -> facts.add(new Fact(w.get("fact.limit"), l)));
        threshold.flatMap(e -> actions.apply(e.finding())).ifPresent(a -> facts.add(new Fact(w.get("fact.action"),
                a)));
        facts.add(new Fact(w.get("fact.period"), period(lead)));
        facts.add(new Fact(w.get("fact.status"), events.size() == 1 ? w.status(lead.status())
                : events.stream().map(e -> w.get(e.finding().kind() == Kind.FORECAST ? "budget.forecastStatus"
                : "budget.thresholdStatus", w.status(e.status()))).collect(Collectors.joining(w.get("list.comma")))));
        return new Part(name, title, lead.status(), facts, contributors(lead), events);
    }

    /** How the forecast was made; the forecaster says it in English, with the span of its recent rate. */
    private String method(Projection p) {
        if (w == Words.EN) {
            return p.method();
        }
        Matcher recent = RECENT_RATE.matcher(p.method());
        return recent.matches() ? w.get("forecast.recent", recent.group(1)) : w.get("forecast.average");
    }

    private Part growth(AlertEvent e) {
        Finding f = e.finding();
        String title = e.status() == AlertStatus.RESOLVED
                ? w.get("growth.resolved", w.adjective(f.period()), w.noun(f.metric()))
                : w.get("growth.up", w.adjective(f.period()), w.unit(f.metric()),
                f.increase().map(i -> Amounts.percent(i, 0, RoundingMode.HALF_UP)).orElse(w.get("growth.fromZero")));
        List<Fact> facts = new ArrayList<>();
        facts.add(new Fact(w.get("fact.used"), w.get("used.soFar", amount(e, f.used()))));
        f.baseline().ifPresent(b -> facts.add(new Fact(w.get("fact.growth"), f.increase()
                .map(i -> w.get("growth.versus", increase(i), amount(e, f.used()), amount(e, b)))
                .orElse(w.get("growth.versusNone", amount(e, f.used()))))));
        facts.add(new Fact(w.get("fact.period"), period(e)));
        facts.add(new Fact(w.get("fact.status"), w.status(e.status())));
        return new Part(condition(f, w), title, e.status(), facts, contributors(e), List.of(e));
    }

    private Part anomaly(AlertEvent e) {
        AnomalyWords words = new AnomalyWords(w);
        return new Part(condition(e.finding(), w), words.title(e, labels), e.status(), words.facts(e), contributors(e),
                List.of(e));
    }

    private Part quota(AlertEvent e) {
        QuotaWords words = new QuotaWords(w);
        String condition = condition(e.finding(), w);
        List<Fact> facts = new ArrayList<>(words.facts(e));
        facts.add(new Fact(w.get("fact.period"), period(e)));
        facts.add(new Fact(w.get("fact.status"), w.status(e.status())));
        return new Part(condition, words.title(e, labels, condition), e.status(), facts, List.of(), List.of(e));
    }

    /** The share of the limit used, rounded down so that 99.6% never reads as the limit; empty without a limit. */
    private static Optional<String> share(Finding f) {
        return f.limit().filter(l -> l.signum() > 0)
                .map(l -> Amounts.percent(f.used().divide(l, MathContext.DECIMAL64), 0, RoundingMode.DOWN));
    }

    private String overAtThisRate(AlertEvent e) {
        return e.finding().forecast().flatMap(Projection::limitReachedAt)
                .map(t -> w.get("budget.overAt", moment(t, e))).orElse(w.get("budget.overByEnd"));
    }

    private static boolean over(Finding f) {
        return f.limit().filter(l -> f.used().compareTo(l) >= 0).isPresent();
    }

    /**
     * Where usage stands against the limit: crossed (when, if the hourly data says) or, with a forecast, when
     * the current rate reaches it; nothing when it is neither over nor forecast.
     */
    private Optional<String> limit(AlertEvent e) {
        Finding f = e.finding();
        Optional<Instant> reached = f.forecast().flatMap(Projection::limitReachedAt);
        if (over(f)) {
            return Optional.of(reached.map(t -> w.get("limit.crossedAt", moment(t, e))).orElse(w.get("limit.over")));
        }
        return f.forecast().map(p -> reached.map(t -> w.get("limit.reachedAt", moment(t, e)))
                .orElse(w.get("limit.notReached")));
    }

    private String used(AlertEvent e) {
        Finding f = e.finding();
        return f.limit().filter(l -> l.signum() > 0)
                .map(l -> w.get("used.ofLimit", f.metric() == Metric.COST ? w.money(e.currency(), f.used())
                        : Amounts.number(f.metric(), f.used()), amount(e, l), share(f).orElseThrow()))
                .orElse(w.get("used.soFar", amount(e, f.used())));
    }

    private List<String> contributors(AlertEvent e) {
        List<String> lines = new ArrayList<>();
        for (Contributor c : e.finding().contributors()) {
            lines.add(labels.key(c.series().keyId()) + " × " + c.series().model() + ": " + amount(e, c.value())
                    + (c.share() == null ? "" : " (" + Amounts.percent(c.share(), 0, RoundingMode.HALF_UP) + ")"));
        }
        return lines;
    }

    private String period(AlertEvent e) {
        Finding f = e.finding();
        return w.get("alert.period", w.get("period." + f.period().name()),
                DATE_TIME.format(f.window().start().atZone(e.zone())),
                DATE_TIME.format(f.window().end().atZone(e.zone())), e.zone().getId());
    }

    private String names(List<String> names) {
        if (names.isEmpty()) {
            return w.get("names.none");
        }
        String shown = String.join(w.get("list.comma"), names.subList(0, Math.min(NAMES_SHOWN, names.size())));
        return names.size() <= NAMES_SHOWN ? shown : w.get("names.more", shown, names.size() - NAMES_SHOWN);
    }

    private String amount(AlertEvent e, BigDecimal value) {
        return w.amount(e.finding().metric(), value, e.currency());
    }

    private static String increase(BigDecimal fraction) {
        return (fraction.signum() >= 0 ? "+" : "") + Amounts.percent(fraction, 0, RoundingMode.HALF_UP);
    }

    /** A time of day for hourly and daily periods; with the day for longer ones, where it is ambiguous. */
    private String moment(Instant t, AlertEvent e) {
        PeriodUnit period = e.finding().period();
        ZoneId zone = e.zone();
        boolean withinADay = period == PeriodUnit.HOUR || period == PeriodUnit.DAY;
        return withinADay ? CLOCK_TIME.format(t.atZone(zone)) : w.dayAndTime(t.atZone(zone));
    }

    /** With more than one part, each starts with its name; a single part is what the headline says. */
    private static boolean named(Alert a) {
        return a.parts().size() > 1;
    }

    private static String capitalized(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    private String text(Alert a) {
        StringBuilder b = new StringBuilder(a.headline()).append('\n');
        for (Part p : a.parts()) {
            b.append('\n');
            if (named(a)) {
                b.append(a.heading(p)).append('\n');
            }
            p.facts().forEach(fact -> b.append(w.get("fact", fact.label(), fact.value())).append('\n'));
            if (!p.contributors().isEmpty()) {
                b.append('\n').append(w.get("fact", w.get("alert.contributors"), "").strip()).append('\n');
                p.contributors().forEach(c -> b.append("  - ").append(c).append('\n'));
            }
        }
        return b.append('\n').append(a.footer()).append('\n').toString();
    }

    private String html(Alert a) {
        String color = a.resolved() ? "#067647" : "#b42318";
        StringBuilder b = new StringBuilder()
                .append("<div style=\"font-family:Arial,Helvetica,sans-serif;font-size:14px;color:#1d1c1d;")
                .append("max-width:600px;overflow-wrap:anywhere\">")
                .append("<h2 style=\"margin:0 0 12px;font-size:18px;color:").append(color).append("\">")
                .append(Html.escape(a.headline())).append("</h2>");
        for (Part p : a.parts()) {
            if (named(a)) {
                b.append("<h3 style=\"font-size:15px;margin:16px 0 6px\">").append(Html.escape(a.heading(p)))
                        .append("</h3>");
            }
            b.append("<table style=\"border-collapse:collapse\">");
            for (Fact fact : p.facts()) {
                b.append("<tr><th style=\"text-align:left;vertical-align:top;padding:4px 12px 4px 0;color:#616061;")
                        .append("font-weight:normal;white-space:nowrap\">").append(Html.escape(fact.label()))
                        .append("</th><td style=\"padding:4px 0\">").append(Html.escape(fact.value())).append("</td></tr>");
            }
            b.append("</table>");
            if (!p.contributors().isEmpty()) {
                b.append("<h4 style=\"font-size:14px;margin:12px 0 6px\">")
                        .append(Html.escape(w.get("alert.contributors"))).append("</h4>")
                        .append("<ul style=\"margin:0;padding-left:20px\">");
                p.contributors().forEach(c -> b.append("<li>").append(Html.escape(c)).append("</li>"));
                b.append("</ul>");
            }
        }
        return b.append("<p style=\"color:#616061;font-size:12px;margin-top:16px\">").append(Html.escape(a.footer()))
                .append("</p></div>").toString();
    }

    private String blocks(Alert a) {
        String icon = a.resolved() ? ":white_check_mark: " : a.escalated() ? ":rotating_light: " : ":warning: ";
        BlockKit kit = BlockKit.builder().header(icon + a.headline());
        List<Part> parts = a.parts();
        for (int i = 0; i < parts.size(); i++) {
            Part p = parts.get(i);
            int needed = (named(a) ? 1 : 0) + 1 + (p.contributors().isEmpty() ? 0 : 1);
            // keep two blocks: the footer, and the buttons a Slack bot may add
            if (kit.size() + needed > BlockKit.BLOCKS_MAX - 2) {
                kit.section(w.get("blocks.more", parts.size() - i, parts.subList(i, parts.size()).stream()
                        .map(rest -> Mrkdwn.escape(rest.title()))
                        .collect(Collectors.joining(w.get("list.semicolon")))));
                break;
            }
            if (named(a)) {
                kit.section("*" + Mrkdwn.escape(a.heading(p)) + "*");
            }
            kit.fields(p.facts().stream().map(f -> "*" + f.label() + "*\n" + Mrkdwn.escape(f.value())).toList());
            if (!p.contributors().isEmpty()) {
                StringBuilder s = new StringBuilder("*" + Mrkdwn.escape(w.get("alert.contributors")) + "*");
                p.contributors().forEach(c -> s.append("\n• ").append(Mrkdwn.escape(c)));
                kit.section(s.toString());
            }
        }
        return kit.context(List.of(Mrkdwn.escape(a.footer()))).toJson();
    }
}

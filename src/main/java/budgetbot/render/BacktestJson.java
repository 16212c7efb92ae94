package budgetbot.render;

import budgetbot.backtest.BacktestReport;
import budgetbot.backtest.Notification;
import budgetbot.backtest.Peak;
import budgetbot.backtest.RuleReport;
import budgetbot.guard.Action;
import budgetbot.rules.Finding;
import budgetbot.state.AlertEvent;
import budgetbot.state.Notice;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Locale;

/**
 * A backtest for scripts: every notification with its numbers, in time order ({@code timeline}) and by rule
 * ({@code rules[].notifications}), with each rule's summary, hints and peaks. Times carry the calendar's offset.
 */
public final class BacktestJson {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private BacktestJson() {
    }

    public static String render(BacktestReport r, String config) {
        ObjectNode root = JSON.createObjectNode();
        root.put("config", config);
        root.put("from", time(r.from(), r.zone()));
        root.put("to", time(r.to(), r.zone()));
        root.put("step", r.step().toString());
        root.put("checks", r.steps());
        root.put("zone", r.zone().getId());
        root.put("currency", r.currency());
        root.put("sent", 0);
        ArrayNode rules = root.putArray("rules");
        for (RuleReport rule : r.rules()) {
            ObjectNode o = rules.addObject();
            o.put("name", rule.rule().name());
            o.put("summary", BacktestText.summary(rule, r));
            o.put("alerts", rule.alerts().size());
            o.put("notifications", rule.notifications().size());
            o.put("alertsPerDay", BigDecimal.valueOf(r.days() > 0 ? rule.alerts().size() / r.days() : 0)
                    .setScale(2, RoundingMode.HALF_UP));
            BacktestText.hints(rule, r).forEach(o.putArray("hints")::add);
            rule.budgetPeak().ifPresent(p -> peak(o.putObject("budgetPeak"), p, r.zone()));
            rule.growthPeak().ifPresent(p -> peak(o.putObject("growthPeak"), p, r.zone()));
            ArrayNode list = o.putArray("timeline");
            rule.notifications().forEach(n -> notification(list.addObject(), n, r.zone()));
            ArrayNode actions = o.putArray("actions");
            rule.actions().forEach(a -> action(actions.addObject(), a, r));
        }
        ArrayNode timeline = root.putArray("timeline");
        r.timeline().forEach(n -> notification(timeline.addObject(), n, r.zone()));
        ArrayNode actions = root.putArray("actions");
        r.actions().forEach(a -> action(actions.addObject(), a, r));
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the backtest as JSON", e);
        }
    }

    private static void notification(ObjectNode o, Notification n, ZoneId zone) {
        o.put("at", time(n.at(), zone));
        o.put("rule", n.rule());
        o.put("channel", n.channel());
        if (n.notice().isPresent()) {
            Notice notice = n.notice().get();
            o.put("type", "notice");
            o.put("notice", notice.kind().name().toLowerCase(Locale.ROOT));
            o.put("detail", notice.detail());
        } else {
            o.put("type", "alert");
            o.put("group", n.group());
        }
        o.put("subject", n.subject());
        ArrayNode alerts = o.putArray("alerts");
        n.alerts().forEach(e -> alert(alerts.addObject(), e, zone));
    }

    private static void alert(ObjectNode o, AlertEvent e, ZoneId zone) {
        Finding f = e.finding();
        o.put("condition", f.condition());
        o.put("kind", f.kind().name().toLowerCase(Locale.ROOT));
        o.put("status", BacktestText.status(e.status()));
        o.put("level", f.level());
        o.put("metric", f.metric().name().toLowerCase(Locale.ROOT));
        o.put("period", f.period().name().toLowerCase(Locale.ROOT));
        o.put("periodStart", time(f.window().start(), zone));
        o.put("used", f.used());
        f.limit().ifPresent(l -> o.put("limit", l));
        f.baseline().ifPresent(b -> o.put("baseline", b));
        f.increase().ifPresent(i -> o.put("increase", i));
        f.forecast().ifPresent(p -> o.put("forecast", p.total()));
        o.put("text", BacktestText.describe(e, e.currency()));
    }

    private static void action(ObjectNode o, Action a, BacktestReport r) {
        o.put("at", time(a.createdAt(), r.zone()));
        o.put("rule", a.rule());
        o.put("condition", a.condition());
        o.put("group", a.group());
        o.put("key", a.keyId());
        o.put("do", a.what().yamlName());
        o.put("field", a.field());
        o.put("value", a.target());
        o.put("approval", a.approval().yamlName());
        o.put("periodStart", time(a.periodStart(), r.zone()));
        o.put("periodEnd", time(a.periodEnd(), r.zone()));
        o.put("untilPeriodEnd", a.untilPeriodEnd());
        o.put("text", BacktestText.action(a, r.currency(), r.zone()));
    }

    private static void peak(ObjectNode o, Peak p, ZoneId zone) {
        o.put("value", p.value().setScale(4, RoundingMode.HALF_UP).stripTrailingZeros());
        o.put("condition", p.finding().condition());
        o.put("group", p.finding().group());
        o.put("at", time(p.at(), zone));
        o.put("used", p.finding().used());
    }

    private static String time(Instant t, ZoneId zone) {
        return t.atZone(zone).toOffsetDateTime().toString();
    }
}

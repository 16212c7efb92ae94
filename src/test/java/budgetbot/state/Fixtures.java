package budgetbot.state;

import budgetbot.config.GroupBy;
import budgetbot.config.Metric;
import budgetbot.config.RuleConfig;
import budgetbot.config.Selection;
import budgetbot.delivery.Outbox;
import budgetbot.notify.Image;
import budgetbot.notify.Message;
import budgetbot.rules.Finding;
import budgetbot.rules.Kind;
import budgetbot.time.PeriodUnit;
import budgetbot.time.Window;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** Findings, rules and messages for state tests. */
public final class Fixtures {
    public static final Instant DAY1 = Instant.parse("2026-11-26T16:00:00Z");
    public static final Instant DAY2 = DAY1.plus(Duration.ofDays(1));

    private Fixtures() {
    }

    public static Window day(Instant start) {
        return new Window(start, start.plus(Duration.ofDays(1)));
    }

    public static Finding finding(Kind kind, Instant periodStart, boolean active, String level) {
        String condition = switch (kind) {
            case BUDGET -> "budget[0]:tokens/day";
            case FORECAST -> "budget[0]:tokens/day:forecast";
            case GROWTH -> "growth[0]:tokens/day";
            case ANOMALY -> "anomaly[0]:tokens/hour";
            case QUOTA -> "quota:daily";
        };
        return new Finding("team", kind, condition, "all", Metric.TOKENS, PeriodUnit.DAY, day(periodStart), active,
                new BigDecimal(level), new BigDecimal("800"), Optional.of(new BigDecimal("1000")), Optional.empty(),
                Optional.empty(), Optional.empty(), List.of(), List.of("key-1"), List.of("m-1"));
    }

    public static Finding budget(Instant periodStart, String level) {
        return finding(Kind.BUDGET, periodStart, new BigDecimal(level).signum() > 0, level);
    }

    public static RuleConfig rule(Optional<Duration> repeat, String... channels) {
        return new RuleConfig("team", "0 */5 * * * ?", Selection.of(List.of()), Selection.of(List.of()), GroupBy.ALL,
                List.of(), List.of(), List.of(channels), repeat, Duration.ofMinutes(30));
    }

    public static Message message(String subject) {
        return new Message("alert", subject, "text of " + subject, "text of " + subject, "<p>" + subject + "</p>", "[]",
                List.of(new Image("chart", "chart.png", new byte[]{(byte) 0x89, 'P', 'N', 'G', 0, -1})));
    }

    /** The renderer's message key: events of one rule and group go out together. */
    public static Object messageKey(AlertEvent e) {
        return List.of(e.finding().rule(), e.finding().group());
    }

    /** A message whose subject names each event: "FIRING budget[0]:tokens/day 0.8 + FIRING ...". */
    public static Message render(List<AlertEvent> events) {
        return message(events.stream().map(e -> e.status() + " " + e.finding().condition() + " " + e.finding().level())
                .collect(Collectors.joining(" + ")));
    }

    /** Whether the entry with this key was queued and has been delivered. */
    public static boolean sent(Outbox outbox, String dedupKey) {
        return outbox.isQueued(dedupKey) && outbox.pending().stream().noneMatch(e -> e.dedupKey().equals(dedupKey));
    }
}

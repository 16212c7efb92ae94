package budgetbot.testing;

import budgetbot.config.DigestConfig;
import budgetbot.config.GroupBy;
import budgetbot.config.Metric;
import budgetbot.config.RuleConfig;
import budgetbot.digest.DigestBuilder;
import budgetbot.digest.DigestPlan;
import budgetbot.digest.DigestReport;
import budgetbot.digest.Fixture;
import budgetbot.notify.Message;
import budgetbot.render.AlertFormatter;
import budgetbot.render.DigestRenderer;
import budgetbot.rules.Contributor;
import budgetbot.rules.Finding;
import budgetbot.rules.Kind;
import budgetbot.state.AlertEvent;
import budgetbot.state.AlertStatus;
import budgetbot.time.PeriodUnit;
import budgetbot.time.Window;
import budgetbot.usage.Series;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;

/** Messages as render makes them, with Chinese rule and key names, for the chat and incident transports' tests. */
public final class ChatMessages {
    public static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
    public static final String RULE = "生产环境-令牌增长";
    public static final String KEY = "uminferapikey-生产";
    public static final Window DAY = new Window(at("2026-11-27T00:00"), at("2026-11-28T00:00"));
    public static final Instant FIRED = at("2026-11-27T15:00");
    public static final Instant RESOLVED = at("2026-11-28T09:00");

    private ChatMessages() {
    }

    private static Instant at(String shanghaiLocal) {
        return OffsetDateTime.parse(shanghaiLocal + "+08:00").toInstant();
    }

    /** A growth alert of {@link #RULE} on {@link #KEY}: firing, or resolved the next day. */
    public static Message growth(AlertStatus status) {
        boolean firing = status != AlertStatus.RESOLVED;
        Finding f = new Finding(RULE, Kind.GROWTH, "growth[0]:tokens/day", "all", Metric.TOKENS, PeriodUnit.DAY,
                firing ? DAY : new Window(DAY.end(), DAY.end().plus(java.time.Duration.ofDays(1))), firing,
                firing ? BigDecimal.ONE : BigDecimal.ZERO, new BigDecimal("3400000"), Optional.empty(),
                Optional.of(new BigDecimal("1452991")), Optional.of(new BigDecimal(firing ? "1.34" : "0.05")),
                Optional.empty(), List.of(new Contributor(new Series(KEY, "deepseek-v3"), new BigDecimal("3000000"),
                new BigDecimal("0.88"))), List.of(KEY), List.of("deepseek-v3"));
        AlertEvent.Episode episode = new AlertEvent.Episode(DAY.start(), FIRED, firing ? FIRED : RESOLVED);
        return AlertFormatter.format(List.of(new AlertEvent(f, status, "CNY", SHANGHAI, episode)));
    }

    /** A daily digest over {@code rules} rules, each with a long Chinese name, grouped by key. */
    public static Message digest(int rules) {
        List<RuleConfig> all = IntStream.range(0, rules).mapToObj(i -> Fixture.rule("华东二区生产环境大模型推理服务每日令牌与费用预算监控规则第"
                + i + "号", GroupBy.KEY, List.of("k1", "k2"), List.of("big", "small"), Fixture.DAILY_TOKENS,
                Fixture.DAILY_COST)).toList();
        DigestConfig digest = new DigestConfig("财务每日汇总", "0 0 8 * * ?", PeriodUnit.DAY,
                all.stream().map(RuleConfig::name).toList(), List.of(), List.of(), List.of("wecom"), 5);
        var config = Fixture.config(Fixture.PRICES, all, digest);
        DigestPlan plan = DigestPlan.of(digest, config, Fixture.AT);
        DigestReport report = DigestBuilder.build(plan, config, Fixture.snapshot(plan), List.of(), List.of());
        return DigestRenderer.render(report).message();
    }
}

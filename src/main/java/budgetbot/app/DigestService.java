package budgetbot.app;

import budgetbot.config.DigestConfig;
import budgetbot.config.RuleConfig;
import budgetbot.digest.DigestBuilder;
import budgetbot.digest.DigestPlan;
import budgetbot.digest.DigestRenderer;
import budgetbot.digest.FiredAlert;
import budgetbot.digest.RenderedDigest;
import budgetbot.notify.Amounts;
import budgetbot.rules.Finding;
import budgetbot.rules.Kind;
import budgetbot.rules.UsageSnapshot;
import budgetbot.state.AlertLogEntry;
import budgetbot.time.Window;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Builds a digest of the previous complete period and queues it once per period per channel. */
public final class DigestService {
    private static final Logger log = LoggerFactory.getLogger(DigestService.class);

    private final App app;

    public DigestService(App app) {
        this.app = app;
    }

    /** A built digest and the channels it was queued for (none in a dry run or when already sent). */
    public record Result(DigestPlan plan, RenderedDigest rendered, List<String> queued, List<String> alreadyQueued) {
    }

    public RenderedDigest build(DigestConfig digest, Instant at) {
        return build(DigestPlan.of(digest, app.config(), at));
    }

    public Result send(DigestConfig digest, Instant at, boolean dryRun) {
        DigestPlan plan = DigestPlan.of(digest, app.config(), at);
        RenderedDigest rendered = build(plan);
        List<String> queued = new ArrayList<>();
        List<String> already = new ArrayList<>();
        for (String channel : digest.channels()) {
            String key = dedupKey(digest, plan.report(), channel);
            boolean fresh = dryRun ? !app.store().isQueued(key) : app.store().enqueue(key, channel, rendered.message(), at);
            (fresh ? queued : already).add(channel);
        }
        log.info("digest {} for {}{}: queued for {}, already queued for {}", digest.name(), plan.report(),
                dryRun ? " (dry run)" : "", queued, already);
        return new Result(plan, rendered, queued, already);
    }

    /** One digest per period per channel, whichever instance or restart builds it. */
    public static String dedupKey(DigestConfig digest, Window period, String channel) {
        return "digest|" + digest.name() + "|" + period.start() + "|" + channel;
    }

    private RenderedDigest build(DigestPlan plan) {
        Set<Window> windows = new HashSet<>(plan.windows());
        List<RuleConfig> rules = plan.groups().stream().flatMap(g -> g.rule().stream()).toList();
        rules.forEach(r -> windows.addAll(app.evaluator().windows(r, plan.at())));
        UsageSnapshot usage = app.fetcher().fetch(windows, plan.series());
        List<Finding> findings = new ArrayList<>();
        for (RuleConfig rule : rules) {
            app.evaluator().evaluate(rule, plan.at(), usage).stream()
                    .filter(f -> f.kind() != Kind.GROWTH).forEach(findings::add);
        }
        List<FiredAlert> fired = fired(rules.stream().map(RuleConfig::name).toList(), plan.report());
        return DigestRenderer.render(DigestBuilder.build(plan, app.config(), usage, findings, fired));
    }

    /** A budget's threshold as alerts state it; forecasts and growth have no level beyond firing. */
    static String level(Kind kind, BigDecimal level) {
        return kind == Kind.BUDGET ? Amounts.percent(level, 1, RoundingMode.DOWN) : "–";
    }

    /** The alert log has a row per channel; a digest lists each announcement once. */
    private List<FiredAlert> fired(List<String> rules, Window window) {
        Map<List<Object>, FiredAlert> unique = new LinkedHashMap<>();
        for (AlertLogEntry e : app.store().alertEvents(rules, window)) {
            unique.putIfAbsent(List.of(e.rule(), e.condition(), e.group(), e.status(), e.level(), e.periodStart()),
                    new FiredAlert(e.rule(), e.group(), e.kind().name(), e.status().name().toLowerCase(Locale.ROOT),
                            level(e.kind(), e.level()), e.at()));
        }
        return List.copyOf(unique.values());
    }
}

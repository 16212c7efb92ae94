package budgetbot.app;

import budgetbot.config.DigestConfig;
import budgetbot.config.RuleConfig;
import budgetbot.delivery.Outbox;
import budgetbot.digest.ActiveSilence;
import budgetbot.digest.DigestBuilder;
import budgetbot.digest.DigestPlan;
import budgetbot.digest.FiredAlert;
import budgetbot.digest.Lateness;
import budgetbot.render.DigestRenderer;
import budgetbot.render.RenderedDigest;
import budgetbot.render.Words;
import budgetbot.rules.Finding;
import budgetbot.rules.Grouping;
import budgetbot.rules.Kind;
import budgetbot.rules.UsageSnapshot;
import budgetbot.state.AlertLogEntry;
import budgetbot.time.Window;
import budgetbot.usage.ApiKey;
import budgetbot.usage.Series;
import budgetbot.usage.Usage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Builds a digest of the previous complete period and queues it once per period per channel. */
public final class DigestService {
    private static final Logger log = LoggerFactory.getLogger(DigestService.class);

    private final App app;

    public DigestService(App app) {
        this.app = app;
    }

    /**
     * What a send did: the channels the digest was queued for (in a dry run: would be) and those that had it
     * already; {@code rendered} is empty when every channel had it, since it is then not built at all.
     */
    public record Result(DigestPlan plan, Optional<RenderedDigest> rendered, List<String> queued,
                         List<String> alreadyQueued) {
    }

    public RenderedDigest build(DigestConfig digest, Instant at) {
        return build(plan(digest, at, Optional.empty()));
    }

    public Result send(DigestConfig digest, Instant at, boolean dryRun) {
        return send(digest, at, dryRun, Optional.empty());
    }

    /**
     * Builds the digest of the period before {@code at} and queues it for every channel that does not have it yet.
     *
     * @param late why this comes after the digest's time, when it does: the digest then says so
     */
    public Result send(DigestConfig digest, Instant at, boolean dryRun, Optional<Lateness> late) {
        DigestPlan plan = plan(digest, at, late);
        List<String> already = digest.channels().stream()
                .filter(c -> app.outbox().isQueued(dedupKey(digest, plan.report(), c))).toList();
        if (already.size() == digest.channels().size()) {
            log.info("digest {} for {}: already queued for {}", digest.name(), plan.report(), already);
            return new Result(plan, Optional.empty(), List.of(), already);
        }
        RenderedDigest rendered = build(plan);
        List<Outbox.Target> wanted = digest.channels().stream().filter(c -> !already.contains(c))
                .map(c -> new Outbox.Target(dedupKey(digest, plan.report(), c), c)).toList();
        // another instance may queue it between the look and here: the dedup key decides. The key is kept while
        // a catch-up could still look for it: until the period after the reported one ends.
        List<Outbox.Target> fresh = dryRun ? wanted : app.outbox().enqueue(wanted, rendered.message(), at,
                Optional.of(plan.calendar().periodOf(digest.period(), plan.report().end()).end()));
        List<String> queued = fresh.stream().map(Outbox.Target::channel).toList();
        List<String> lost = new ArrayList<>(already);
        wanted.stream().filter(t -> !fresh.contains(t)).map(Outbox.Target::channel).forEach(lost::add);
        log.info("digest {} for {}: {} {}, already queued for {}", digest.name(), plan.report(),
                dryRun ? "would queue for" : "queued for", queued, lost);
        return new Result(plan, Optional.of(rendered), queued, lost);
    }

    /** The plan over the rules' scopes as UCloud serves them: what {@code *} stands for, without unknown names. */
    private DigestPlan plan(DigestConfig digest, Instant at, Optional<Lateness> late) {
        return DigestPlan.of(digest, app.discovery().resolved(at), at, late);
    }

    /** One digest per period per channel, whichever instance or restart builds it. */
    public static String dedupKey(DigestConfig digest, Window period, String channel) {
        return "digest|" + digest.name() + "|" + period.start() + "|" + channel;
    }

    private RenderedDigest build(DigestPlan plan) {
        Map<Window, Map<Series, Usage>> fetched = new HashMap<>();
        UsageSnapshot usage = app.fetcher().fetch(plan.windows(), plan.series(), fetched);
        List<RuleConfig> rules = plan.groups().stream().flatMap(g -> g.rule().stream()).toList();
        List<Finding> findings = new ArrayList<>();
        for (RuleConfig rule : rules) {
            // each rule's current standing needs its own windows for its own series only
            UsageSnapshot current = app.fetcher().fetch(app.evaluator().windows(rule, plan.at()), Grouping.series(rule), fetched);
            app.evaluator().evaluate(rule, plan.at(), current).stream()
                    .filter(f -> f.kind() != Kind.GROWTH).forEach(findings::add);
        }
        List<FiredAlert> fired = fired(rules.stream().map(RuleConfig::name).toList(), plan.report());
        List<ActiveSilence> silences = app.store().silences(plan.at()).stream()
                .map(s -> new ActiveSilence(s.rule(), s.group(), s.endsAt(), s.reason())).toList();
        // a digest of rules with quota: alerts lists every key's own UCloud limits, as discovery last listed them
        List<ApiKey> limited = rules.stream().anyMatch(r -> r.quota().isPresent()) ? app.discovery().listed().stream()
                .filter(k -> k.limits().daily().limited() || k.limits().monthly().limited()).toList() : List.of();
        return DigestRenderer.render(DigestBuilder.build(plan, app.config(), usage, findings, fired)
                .withSilences(silences).withKeyLimits(limited, app.config().ucloud().billingCurrency()),
                Words.of(app.config().locale()), app.keyLabels());
    }

    /** The alert log has a row per channel; a digest lists each announcement once. */
    private List<FiredAlert> fired(List<String> rules, Window window) {
        Map<List<Object>, FiredAlert> unique = new LinkedHashMap<>();
        for (AlertLogEntry e : app.store().alertEvents(rules, window)) {
            // every channel's row of one announcement has the same time; a re-fire or reminder has another
            unique.putIfAbsent(List.of(e.rule(), e.condition(), e.group(), e.status(), e.at()),
                    new FiredAlert(e.rule(), e.group(), e.kind().name(),
                            e.status().name().toLowerCase(Locale.ROOT), e.silenced(),
                            DigestRenderer.firedLevel(e.kind(), e.level()), e.at()));
        }
        return List.copyOf(unique.values());
    }
}

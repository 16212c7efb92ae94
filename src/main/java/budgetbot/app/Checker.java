package budgetbot.app;

import budgetbot.config.BotConfig;
import budgetbot.config.RuleConfig;
import budgetbot.guard.Action;
import budgetbot.guard.Actions;
import budgetbot.observe.Scopes;
import budgetbot.render.ActionWords;
import budgetbot.render.AlertFormatter;
import budgetbot.render.KeyLabels;
import budgetbot.render.Words;
import budgetbot.render.Outgoing;
import budgetbot.render.Amounts;
import budgetbot.render.NoticeFormatter;
import budgetbot.rules.Coverage;
import budgetbot.rules.Finding;
import budgetbot.rules.Grouping;
import budgetbot.rules.QuotaCheck;
import budgetbot.rules.UsageSnapshot;
import budgetbot.state.Announcement;
import budgetbot.state.Announcer;
import budgetbot.state.Notice;
import budgetbot.time.Window;
import budgetbot.usage.LogContext;
import budgetbot.usage.ApiKey;
import budgetbot.usage.Series;
import budgetbot.usage.Usage;
import budgetbot.usage.UsageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Evaluates rules as of a moment and records what must be announced; delivery is the dispatcher's. Besides alerts,
 * it announces what a rule cannot see: a key or model UCloud cannot serve (once per cause), and usage that could
 * not be fetched for longer than the rule's {@code staleAfter} (once per outage, then once when it recovers).
 */
public final class Checker {
    private static final Logger log = LoggerFactory.getLogger(Checker.class);

    private final App app;

    public Checker(App app) {
        this.app = app;
    }

    /**
     * What one rule's evaluation found and announced: alerts, and notices about what it cannot see (each to all
     * of the rule's channels); {@code error} when its usage could not be fetched.
     *
     * @param messages the alert messages the announcements go out as: one per channel, rule and group, or one per
     *                 channel for a burst
     * @param actions  what the budget actions did, or in a dry run would do, one line each
     * @param due      the budget actions the findings reach, recorded before or not (a backtest keeps the first of
     *                 each period: what the checks would have triggered)
     */
    public record Outcome(String rule, List<Finding> findings, List<Announcement> announced, List<Outgoing> messages,
                          List<Notice> notices, Optional<String> error, List<String> actions, List<Action> due) {
        public long active() {
            return findings.stream().filter(Finding::active).count();
        }

        /** One line for the console and the log, naming every active condition and what was announced. */
        public String summary() {
            if (error.isPresent()) {
                return rule + ": FAILED: " + error.get();
            }
            List<String> active = findings.stream().filter(Finding::active).map(AlertFormatter::summary).toList();
            return rule + ": " + Amounts.count(findings.size(), "condition") + ", "
                    + (active.isEmpty() ? "all clear" : active.size() + " active (" + String.join("; ", active) + ")")
                    + ", " + Amounts.count(messages.size(), "notification") + (notices.isEmpty() ? ""
                    : ", " + Amounts.count(notices.size(), "notice") + " (" + notices.stream()
                    .map(n -> n.kind().name().toLowerCase(Locale.ROOT)).distinct().collect(Collectors.joining(", "))
                    + ")") + actions.stream().map(a -> "; " + a).collect(Collectors.joining());
        }
    }

    /** Checks the rules one after another; usage fetched for one rule serves the others at the same moment. */
    public List<Outcome> check(Instant at, Optional<String> onlyRule, boolean dryRun) {
        Map<Window, Map<Series, Usage>> fetched = new HashMap<>();
        List<Outcome> outcomes = new ArrayList<>();
        for (RuleConfig rule : rules(onlyRule)) {
            outcomes.add(checkRule(rule, at, dryRun, fetched));
        }
        return outcomes;
    }

    /**
     * The rules {@link #check} would evaluate that were last evaluated as of a moment after {@code at}, with that
     * moment. Checking them as of {@code at} would announce from the past: a growth alert that is live now
     * would be resolved because it had not started yet.
     */
    public Map<String, Instant> evaluatedAfter(Instant at, Optional<String> onlyRule) {
        Map<String, Instant> after = new TreeMap<>(app.store().lastEvaluated(rules(onlyRule).stream()
                .map(RuleConfig::name).toList()));
        after.values().removeIf(latest -> !latest.isAfter(at));
        return after;
    }

    private List<RuleConfig> rules(Optional<String> onlyRule) {
        return app.config().rules().stream().filter(r -> onlyRule.isEmpty() || onlyRule.get().equals(r.name())).toList();
    }

    public Outcome checkRule(RuleConfig rule, Instant at, boolean dryRun) {
        return checkRule(rule, at, dryRun, new HashMap<>());
    }

    /**
     * Lists the project's keys again and announces, for every rule, each key or model it names that UCloud cannot
     * serve; {@code run} does this at start and every {@code ucloud.discoveryInterval}.
     *
     * @throws UsageException when UCloud cannot list the keys
     */
    public void review(Instant at) {
        app.discovery().refresh();
        for (RuleConfig rule : app.config().rules()) {
            reviewScope(rule, app.discovery().coverage(rule, at), at);
        }
    }

    private Outcome checkRule(RuleConfig rule, Instant at, boolean dryRun, Map<Window, Map<Series, Usage>> fetched) {
        BotConfig cfg = app.config();
        ZoneId zone = cfg.calendar().zone();
        List<Notice> notices = new ArrayList<>();
        try (MDC.MDCCloseable logged = MDC.putCloseable(LogContext.RULE, rule.name())) {
            Coverage coverage = app.discovery().coverage(rule, at);
            if (coverage.checked()) {
                List<String> problems = coverage.problems().stream().map(Coverage.Problem::message).toList();
                app.telemetry().scopes().record(rule.name(), new Scopes.Scope(app.clock().instant(),
                        coverage.series().size(), problems));
            }
            notices.addAll(dryRun ? previewScope(rule, coverage, at) : reviewScope(rule, coverage, at));
            RuleConfig scope = coverage.rule();
            Optional<UsageException> unlisted = app.discovery().failing();
            if (scope.quotaOnly() && !app.replays() && unlisted.isPresent()) {
                // the limits it watches are as old as the last listing: say so as a failed fetch, not only in a log
                throw new UsageException("UCloud's API keys, with their limits, could not be listed: "
                        + unlisted.get().getMessage(), unlisted.get());
            }
            Set<Window> windows = app.evaluator().windows(scope, at);
            // the scope's pairs UCloud does not serve (a key that may not call a model) use nothing
            UsageSnapshot usage = app.fetcher().fetch(windows, coverage.series(), fetched)
                    .withNone(windows, Grouping.series(scope));
            if (!dryRun) {
                app.store().usageAvailable(rule, at, zone, notices(at)).ifPresent(n -> {
                    log.info("rule {}: usage can be fetched again", rule.name());
                    notices.add(n);
                });
            }
            List<Finding> evaluated = app.evaluator().evaluate(scope, at, usage);
            // a replay cannot know the limits keys had in the past: quota is checked live only
            List<Finding> quota = app.replays() ? List.of() : quota(scope, at, fetched);
            List<Finding> findings = new ArrayList<>(evaluated);
            findings.addAll(quota);
            app.telemetry().checked(rule.name(), app.clock().instant(), findings);
            KeyLabels labels = app.keyLabels();
            Words words = Words.of(cfg.locale());
            // budget actions first, so that the alert crossing an action's threshold says what it is doing; their own
            // messages are queued as of now, after the alert's moment, and so are sent after it
            List<String> actions = app.actions().review(scope, evaluated, at, dryRun);
            Function<Finding, Optional<String>> doing = ActionWords.notes(scope.budgets().stream()
                    .anyMatch(b -> b.action().isPresent()) ? app.actions().during(scope.name(), at) : List.of(), words);
            List<Announcement> announced = new ArrayList<>(apply(scope, evaluated, at, labels, words,
                    cfg.prices().currency(), dryRun, doing));
            if (!quota.isEmpty()) {
                // UCloud states a key's limits in the account's billing currency
                announced.addAll(apply(scope, quota, at, labels, words, cfg.ucloud().billingCurrency(), dryRun,
                        doing));
            }
            Outcome outcome = new Outcome(rule.name(), findings, announced,
                    Outgoing.of(announced, scope.summarizeAbove(), labels, words), notices, Optional.empty(), actions,
                    Actions.due(scope, evaluated, at));
            log.info("check {} at {}{}: {}", rule.name(), at, dryRun ? " (dry run)" : "", outcome.summary());
            return outcome;
        } catch (UsageException e) {
            log.warn("check {} at {}: usage could not be fetched: {}", rule.name(), at, e.getMessage());
            app.telemetry().checkFailed(rule.name(), app.clock().instant(), e.getMessage());
            if (!dryRun) {
                app.store().usageUnavailable(rule, e.getMessage(), at, zone, notices(at)).ifPresent(n -> {
                    log.warn("rule {}: usage has been unavailable since {}; announced", rule.name(), n.since());
                    notices.add(n);
                });
            }
            return new Outcome(rule.name(), List.of(), List.of(), List.of(), notices, Optional.of(e.getMessage()),
                    List.of(), List.of());
        }
    }

    /**
     * The quota findings of the rule's keys as listed, each key near a limit with its time to the limit at its
     * recent cost where prices allow (or else the period's average: fetching that usage may fail on its own).
     */
    private List<Finding> quota(RuleConfig scope, Instant at, Map<Window, Map<Series, Usage>> fetched) {
        BotConfig cfg = app.config();
        List<ApiKey> listed = app.discovery().listed();
        Map<Series, Usage> recent = Map.of();
        Optional<QuotaCheck.Recent> wanted = QuotaCheck.recentUsage(scope, listed, at, cfg.calendar(), cfg.prices(),
                cfg.ucloud().billingCurrency());
        if (wanted.isPresent()) {
            Window window = wanted.get().window();
            try {
                recent = app.fetcher().fetch(Set.of(window), wanted.get().series(), fetched).byWindow()
                        .getOrDefault(window, Map.of());
            } catch (UsageException e) {
                log.info("rule {}: the recent usage of keys near their UCloud limits could not be fetched ({}); their"
                        + " time to the limit is at the average rate of the period", scope.name(), e.getMessage());
            }
        }
        return QuotaCheck.evaluate(scope, listed, at, cfg.calendar(), cfg.prices(), recent);
    }

    private List<Announcement> apply(RuleConfig scope, List<Finding> findings, Instant at, KeyLabels labels,
                                     Words words, String currency, boolean dryRun,
                                     Function<Finding, Optional<String>> actions) {
        return app.store().apply(scope, findings, at, app.outbox().announcer(
                events -> AlertFormatter.format(events, labels, words, actions), AlertFormatter::messageKey,
                events -> AlertFormatter.burst(events, labels, words), scope.summarizeAbove(), at), currency,
                app.config().calendar().zone(), dryRun);
    }

    /** Announces each problem of the rule's scope once; nothing when UCloud's keys are not known. */
    private List<Notice> reviewScope(RuleConfig rule, Coverage coverage, Instant at) {
        if (!coverage.checked()) {
            return List.of();
        }
        List<Notice> announced = app.store().reviewScope(rule, coverage.problems(), at, app.config().calendar().zone(),
                notices(at));
        announced.forEach(n -> log.warn("rule {} is misconfigured: {}", rule.name(), n.detail()));
        return announced;
    }

    /** What {@link #reviewScope} would announce, written nowhere: a dry run shows what a check would send. */
    private List<Notice> previewScope(RuleConfig rule, Coverage coverage, Instant at) {
        return coverage.checked() ? app.store().previewScope(rule, coverage.problems(), at,
                app.config().calendar().zone()) : List.of();
    }

    private Announcer<Notice> notices(Instant at) {
        Words words = Words.of(app.config().locale());
        return app.outbox().announcer(n -> NoticeFormatter.format(n, words), at);
    }
}

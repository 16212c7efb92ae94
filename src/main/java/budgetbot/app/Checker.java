package budgetbot.app;

import budgetbot.config.BotConfig;
import budgetbot.config.RuleConfig;
import budgetbot.render.AlertFormatter;
import budgetbot.rules.Finding;
import budgetbot.rules.Grouping;
import budgetbot.rules.Kind;
import budgetbot.rules.UsageSnapshot;
import budgetbot.state.Announcement;
import budgetbot.time.Window;
import budgetbot.usage.LogContext;
import budgetbot.usage.Series;
import budgetbot.usage.Usage;
import budgetbot.usage.UsageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Evaluates rules as of a moment and records what must be announced; delivery is the dispatcher's. */
public final class Checker {
    private static final Logger log = LoggerFactory.getLogger(Checker.class);

    private final App app;

    public Checker(App app) {
        this.app = app;
    }

    /** What one rule's evaluation found and announced; {@code error} when its usage could not be fetched. */
    public record Outcome(String rule, List<Finding> findings, List<Announcement> announced,
                          Optional<String> error) {
        public long active() {
            return findings.stream().filter(Finding::active).count();
        }

        /** One line for the console and the log. */
        public String summary() {
            if (error.isPresent()) {
                return rule + ": FAILED: " + error.get();
            }
            String worst = findings.stream().filter(Finding::active)
                    .sorted(Comparator.comparing((Finding f) -> f.kind() != Kind.BUDGET).thenComparing(Finding::level, Comparator.reverseOrder()))
                    .map(f -> f.kind() + " " + f.condition() + " " + f.group()
                            + (f.kind() == Kind.BUDGET ? " at " + DigestService.level(f.kind(), f.level()) : ""))
                    .findFirst().orElse("all clear");
            return rule + ": " + findings.size() + " conditions, " + active() + " active (" + worst + "), "
                    + announced.size() + " notifications";
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

    private Outcome checkRule(RuleConfig rule, Instant at, boolean dryRun, Map<Window, Map<Series, Usage>> fetched) {
        BotConfig cfg = app.config();
        try (MDC.MDCCloseable logged = MDC.putCloseable(LogContext.RULE, rule.name())) {
            UsageSnapshot usage = app.fetcher().fetch(app.evaluator().windows(rule, at), Grouping.series(rule), fetched);
            List<Finding> findings = app.evaluator().evaluate(rule, at, usage);
            app.telemetry().checked(rule.name(), app.clock().instant(), findings);
            List<Announcement> announced = app.store().apply(rule, findings, at,
                    app.outbox().announcer(AlertFormatter::format, at),
                    cfg.prices().currency(), cfg.calendar().zone(), dryRun);
            Outcome outcome = new Outcome(rule.name(), findings, announced, Optional.empty());
            log.info("check {} at {}{}: {}", rule.name(), at, dryRun ? " (dry run)" : "", outcome.summary());
            return outcome;
        } catch (UsageException e) {
            log.warn("check {} at {}: usage could not be fetched: {}", rule.name(), at, e.getMessage());
            app.telemetry().checkFailed(rule.name(), app.clock().instant(), e.getMessage());
            return new Outcome(rule.name(), List.of(), List.of(), Optional.of(e.getMessage()));
        }
    }
}

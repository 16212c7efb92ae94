package budgetbot.cli;

import budgetbot.app.App;
import budgetbot.app.Checker;
import budgetbot.app.Delivery;
import budgetbot.config.BotConfig;
import budgetbot.config.RuleConfig;
import budgetbot.delivery.DrainResult;
import budgetbot.render.NoticeFormatter;
import budgetbot.usage.UsageException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Evaluate every rule once as of --at (default now), update state, deliver what is due.",
                "Running it twice in a row sends nothing new. Exit 1 when a rule's usage could not be fetched",
                "or a notification could not be delivered (it stays queued)."})
final class CheckCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @Option(names = "--at", paramLabel = "TIME", description = {"act as of this moment (default now; "
            + "before a rule's latest evaluation only with --dry-run): " + Times.FORMS})
    String at;

    @Option(names = "--rule", paramLabel = "NAME", description = "only this rule")
    String rule;

    @Option(names = "--dry-run", description = "print what would be sent; send nothing, write nothing (not even a "
            + "new database)")
    boolean dryRun;

    @Override
    public Integer call() {
        Phases phases = new Phases();
        BotConfig cfg = dryRun ? config.loadToInspect() : config.load();
        phases.done("config");
        if (rule != null && cfg.rule(rule).isEmpty()) {
            throw new InputException("no rule named '" + rule + "' in " + cfg.file());
        }
        Clock clock = Clock.systemUTC();
        Instant when = at == null ? clock.instant() : Times.parse(at, cfg.calendar().zone(), clock.instant());
        try (App app = App.open(cfg, clock, dryRun)) {
            phases.done("database");
            try {
                // what the check would do first, done here so that its time shows apart
                app.discovery().resolved(when);
            } catch (UsageException e) {
                // the check reports it, rule by rule
            }
            phases.done("discovery");
            Checker checker = new Checker(app);
            if (at != null && !dryRun) {
                refuseThePast(checker, when, cfg.calendar().zone());
            }
            List<Checker.Outcome> outcomes = checker.check(when, Optional.ofNullable(rule), dryRun);
            for (Checker.Outcome o : outcomes) {
                System.out.println(o.summary());
                if (dryRun) {
                    o.messages().forEach(m -> System.out.println("  would send to " + m.channel() + ": "
                            + m.message().subject()));
                    List<String> channels = cfg.rule(o.rule()).map(RuleConfig::channels).orElse(List.of());
                    o.notices().forEach(n -> channels.forEach(c -> System.out.println("  would send to " + c + ": "
                            + NoticeFormatter.format(n).subject())));
                }
            }
            phases.done("usage and evaluation");
            boolean unevaluated = outcomes.stream().anyMatch(o -> o.error().isPresent());
            if (dryRun) {
                phases.log();
                return unevaluated ? Main.FAILURE : 0;
            }
            DrainResult delivered = Delivery.deliverNow(app);
            phases.done("delivery");
            phases.log();
            System.out.println(Delivery.summary("delivery", delivered));
            return unevaluated || delivered.failed() > 0 ? Main.FAILURE : 0;
        }
    }

    /** A check that records and announces must not go back behind one that already did. */
    private void refuseThePast(Checker checker, Instant when, ZoneId zone) {
        Map<String, Instant> later = checker.evaluatedAfter(when, Optional.ofNullable(rule));
        if (!later.isEmpty()) {
            throw new InputException("refusing to check as of " + local(when, zone) + ": " + later.entrySet().stream()
                    .map(e -> e.getKey() + " was last evaluated as of " + local(e.getValue(), zone))
                    .collect(Collectors.joining(", ")) + ", and a check as of an earlier moment would announce from "
                    + "the past (such as resolving an alert that is live now). Use --dry-run to see what a check as "
                    + "of that moment finds without changing or sending anything.");
        }
    }

    private static OffsetDateTime local(Instant t, ZoneId zone) {
        return t.atZone(zone).toOffsetDateTime();
    }
}

package budgetbot.cli;

import budgetbot.app.App;
import budgetbot.app.Checker;
import budgetbot.app.Delivery;
import budgetbot.config.BotConfig;
import budgetbot.render.AlertFormatter;
import budgetbot.state.AlertEvent;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Evaluate every rule once as of --at (default now), update state, deliver what is due.",
                "Running it twice in a row sends nothing new. Exit 1 when a rule's usage could not be fetched."})
final class CheckCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @Option(names = "--at", paramLabel = "TIME", description = "act as of this moment (ISO-8601, date, unix seconds; default now)")
    String at;

    @Option(names = "--rule", paramLabel = "NAME", description = "only this rule")
    String rule;

    @Option(names = "--dry-run", description = "print what would be sent; change nothing, send nothing")
    boolean dryRun;

    @Override
    public Integer call() {
        BotConfig cfg = dryRun ? config.loadToInspect() : config.load();
        if (rule != null && cfg.rule(rule).isEmpty()) {
            throw new IllegalArgumentException("no rule named '" + rule + "' in " + cfg.file());
        }
        Clock clock = Clock.systemUTC();
        Instant when = at == null ? clock.instant() : Times.parse(at, cfg.calendar().zone(), clock.instant());
        try (App app = App.open(cfg, clock)) {
            List<Checker.Outcome> outcomes = new Checker(app).check(when, Optional.ofNullable(rule), dryRun);
            for (Checker.Outcome o : outcomes) {
                System.out.println(o.summary());
                if (dryRun) {
                    // one message per rule, group and channel, as the outbox queues them
                    Map<List<Object>, List<AlertEvent>> messages = new LinkedHashMap<>();
                    o.announced().forEach(a -> messages.computeIfAbsent(List.of(a.channel(),
                            AlertFormatter.messageKey(a.event())), k -> new ArrayList<>()).add(a.event()));
                    messages.forEach((to, events) -> System.out.println("  would send to " + to.get(0) + ": "
                            + AlertFormatter.format(events).subject()));
                }
            }
            if (!dryRun) {
                System.out.println(Delivery.deliverNow(app, "delivery"));
            }
            return outcomes.stream().anyMatch(o -> o.error().isPresent()) ? 1 : 0;
        }
    }
}

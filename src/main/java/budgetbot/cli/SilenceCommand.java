package budgetbot.cli;

import budgetbot.config.BotConfig;
import budgetbot.config.RuleConfig;
import budgetbot.config.Suggest;
import budgetbot.rules.Grouping;
import budgetbot.state.Silence;
import budgetbot.state.StateStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;

@Command(name = "silence", mixinStandardHelpOptions = true,
        description = {"Mute a known incident: a silenced rule's alerts are recorded but not sent; when the silence "
                + "ends, what still holds is sent then."},
        subcommands = {SilenceCommand.Add.class, SilenceCommand.ListSilences.class, SilenceCommand.Remove.class})
final class SilenceCommand {
    @Command(name = "add", mixinStandardHelpOptions = true, description = "Silence a rule, or one group of it.")
    static final class Add implements Callable<Integer> {
        @Mixin
        ConfigOption config;

        @Option(names = "--rule", required = true, paramLabel = "NAME", description = "the rule to silence")
        String rule;

        @Option(names = "--group", paramLabel = "GROUP",
                description = "only this group of the rule, as alerts name it (a key, a model, 'key x model'); "
                        + "default every group")
        String group;

        @Option(names = "--until", required = true, paramLabel = "TIME",
                description = "when it ends: " + Times.FORMS)
        String until;

        @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "why: shown with the silence")
        String reason;

        @Option(names = "--force", description = "silence a group the rule has never alerted for and does not name")
        boolean force;

        @Override
        public Integer call() {
            BotConfig cfg = config.load();
            if (cfg.rule(rule).isEmpty()) {
                throw new InputException("no rule named '" + rule + "' in " + cfg.file());
            }
            Clock clock = Clock.systemUTC();
            Instant now = clock.instant();
            Instant end = Times.parse(until, cfg.calendar().zone(), now);
            if (!end.isAfter(now)) {
                throw new InputException("a silence must end in the future, not at " + end);
            }
            if (reason.isBlank()) {
                throw new InputException("a silence needs a reason: say why with --reason");
            }
            try (StateStore store = StateStore.open(cfg.state())) {
                if (group != null && !force) {
                    // a typo would be accepted and mute nothing
                    Set<String> known = new TreeSet<>(store.groupsSeen(rule));
                    RuleConfig named = cfg.rule(rule).get();
                    if (!named.discovers()) {
                        known.addAll(Grouping.groups(named).keySet());
                    }
                    if (!known.contains(group)) {
                        throw new InputException("rule " + rule + " has never alerted for group \"" + group + "\" and"
                                + " does not name it" + Suggest.didYouMean(group, known) + (known.isEmpty() ? ""
                                : "; its groups: " + Suggest.names(known, 20)) + "; add --force to silence it anyway");
                    }
                }
                Silence s = store.addSilence(rule, Optional.ofNullable(group), end, reason, now);
                System.out.println("silence #" + s.id() + ": " + describe(s, cfg.calendar().zone()));
            }
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the silences holding now.")
    static final class ListSilences implements Callable<Integer> {
        @Mixin
        ConfigOption config;

        @Override
        public Integer call() {
            BotConfig cfg = config.load();
            try (StateStore store = StateStore.open(cfg.state())) {
                List<Silence> silences = store.silences(Clock.systemUTC().instant());
                if (silences.isEmpty()) {
                    System.out.println("no silences");
                }
                silences.forEach(s -> System.out.println("#" + s.id() + "  " + describe(s, cfg.calendar().zone())));
            }
            return 0;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true,
            description = "End a silence now; alerts that still hold are sent at the rule's next check.")
    static final class Remove implements Callable<Integer> {
        @Mixin
        ConfigOption config;

        @Parameters(paramLabel = "ID", description = "the silence's number, as silence list shows it")
        long id;

        @Override
        public Integer call() {
            BotConfig cfg = config.load();
            try (StateStore store = StateStore.open(cfg.state())) {
                if (!store.removeSilence(id)) {
                    throw new InputException("no silence #" + id + " (silence list shows those holding)");
                }
            }
            System.out.println("removed silence #" + id);
            return 0;
        }
    }

    private static String describe(Silence s, ZoneId zone) {
        return s.rule() + s.group().map(g -> " (group " + g + ")").orElse(" (every group)") + " until "
                + s.endsAt().atZone(zone).toOffsetDateTime().withNano(0) + ": " + s.reason();
    }
}

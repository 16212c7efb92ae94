package budgetbot.cli;

import budgetbot.app.App;
import budgetbot.app.Delivery;
import budgetbot.config.BotConfig;
import budgetbot.guard.Action;
import budgetbot.guard.Actions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Clock;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "action", mixinStandardHelpOptions = true,
        description = {"Budget actions on UCloud keys (a budget's action:): list them, approve or reject one that "
                + "waits, undo one that was carried out. Exit 2 for an unknown id or an action that is finished."},
        subcommands = {ActionCommand.ListActions.class, ActionCommand.Approve.class, ActionCommand.Reject.class,
                ActionCommand.Revert.class})
final class ActionCommand {
    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Every action: pending, applied, rejected, failed, reverted; newest first.")
    static final class ListActions implements Callable<Integer> {
        @Mixin
        ConfigOption config;

        @Override
        public Integer call() {
            BotConfig cfg = config.load();
            try (App app = App.open(cfg, Clock.systemUTC())) {
                List<Action> actions = app.actions().list();
                if (actions.isEmpty()) {
                    System.out.println("no actions");
                }
                actions.forEach(a -> System.out.println(line(app, a)));
            }
            return 0;
        }

        /** "#1  applied  rule prod-cap  cap uminferapikey-prod (DailyLimitAmount=0.4) (was 0)  auto  since …". */
        static String line(App app, Action a) {
            ZoneId zone = app.config().calendar().zone();
            return "#" + a.id() + "  " + a.status().name().toLowerCase(Locale.ROOT) + "  rule " + a.rule() + "  "
                    + a.describe() + a.before().map(b -> " (was " + b + ")").orElse("") + "  "
                    + a.approval().yamlName() + "  since " + a.createdAt().atZone(zone).toOffsetDateTime().withNano(0)
                    + ", last change " + a.updatedAt().atZone(zone).toOffsetDateTime().withNano(0)
                    + app.actions().decidedBy(a.id()).map(by -> " by " + by).orElse("");
        }
    }

    @Command(name = "approve", mixinStandardHelpOptions = true,
            description = "Approve an action that waits and carry it out now (UpdateUMInferAPIKey).")
    static final class Approve extends Decide {
        @Override
        public Integer call() {
            return decide(Actions::approve);
        }
    }

    @Command(name = "reject", mixinStandardHelpOptions = true,
            description = "Reject an action that waits: UCloud is never asked.")
    static final class Reject extends Decide {
        @Override
        public Integer call() {
            return decide(Actions::reject);
        }
    }

    @Command(name = "revert", mixinStandardHelpOptions = true,
            description = "Undo an applied action: restore the value the key had before, as UCloud listed it then.")
    static final class Revert extends Decide {
        @Override
        public Integer call() {
            return decide(Actions::revert);
        }
    }

    /** One decision on one action, and the delivery of what its channels are told. */
    abstract static class Decide implements Callable<Integer> {
        @Mixin
        ConfigOption config;

        @Parameters(paramLabel = "ID", description = "the action's number, as action list shows it")
        long id;

        @Option(names = "--by", paramLabel = "NAME", description = "who decides, for the audit (default: $USER)")
        String by;

        int decide(Verb verb) {
            BotConfig cfg = config.load();
            String actor = by != null && !by.isBlank() ? by : System.getProperty("user.name", "cli");
            try (App app = App.open(cfg, Clock.systemUTC())) {
                Actions.Result r = verb.apply(app.actions(), id, actor);
                if (r.outcome() == Actions.Outcome.NOT_FOUND || r.outcome() == Actions.Outcome.FINISHED) {
                    throw new InputException(r.message());
                }
                System.out.println(r.message());
                System.out.println(Delivery.summary("delivery", Delivery.deliverNow(app)));
                return r.outcome() == Actions.Outcome.DONE ? 0 : Main.FAILURE;
            }
        }
    }

    @FunctionalInterface
    interface Verb {
        Actions.Result apply(Actions actions, long id, String by);
    }
}

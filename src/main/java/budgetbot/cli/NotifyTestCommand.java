package budgetbot.cli;

import budgetbot.app.Notifiers;
import budgetbot.config.BotConfig;
import budgetbot.config.ChannelConfig;
import budgetbot.notify.DeliveryException;
import budgetbot.notify.Notifier;
import budgetbot.render.TestNotice;
import budgetbot.render.Words;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Clock;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "notify-test", mixinStandardHelpOptions = true,
        description = {"Send a clearly marked test message through one channel, now and once (not through the outbox),"
                + " and print what happened. Exit 1 when it was not delivered."})
final class NotifyTestCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @Option(names = "--channel", required = true, paramLabel = "NAME", description = "the channel's name in rules.yml")
    String channel;

    @Override
    public Integer call() {
        BotConfig cfg = config.load();
        ChannelConfig target = cfg.channels().get(channel);
        if (target == null) {
            throw new InputException("no channel named '" + channel + "' in " + cfg.file() + "; defined: "
                    + String.join(", ", cfg.channels().keySet()));
        }
        Clock clock = Clock.systemUTC();
        String type = target.getClass().getSimpleName().toLowerCase(Locale.ROOT);
        try (Notifier notifier = Notifiers.create(target, cfg.publicUrl(), clock, System.out)) {
            notifier.send(TestNotice.of(channel, clock.instant(), cfg.calendar().zone(), Words.of(cfg.locale())));
        } catch (DeliveryException e) {
            System.out.println("FAILED: test message to channel " + channel + " (" + type + ") was not delivered: "
                    + e.getMessage() + (e.retryable() ? " (temporary: the outbox would retry it)"
                    : " (a retry will not help: check the channel's settings)"));
            return 1;
        }
        System.out.println("OK: test message delivered to channel " + channel + " (" + type + ")");
        return 0;
    }
}

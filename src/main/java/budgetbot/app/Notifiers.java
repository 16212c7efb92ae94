package budgetbot.app;

import budgetbot.config.ChannelConfig;
import budgetbot.notify.Notifier;
import budgetbot.notify.console.ConsoleNotifier;
import budgetbot.notify.email.EmailNotifier;
import budgetbot.notify.slack.SlackBotNotifier;
import budgetbot.notify.slack.SlackWebhookNotifier;

import java.io.PrintStream;
import java.time.Clock;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Builds the transport of each configured channel. */
public final class Notifiers {

    private Notifiers() {
    }

    /**
     * One notifier per channel name, in the order given.
     *
     * @param clock   dates emails
     * @param console where console channels print
     */
    public static Map<String, Notifier> create(Map<String, ChannelConfig> channels, Clock clock, PrintStream console) {
        Map<String, Notifier> notifiers = new LinkedHashMap<>();
        channels.forEach((name, config) -> notifiers.put(name, create(config, clock, console)));
        return Collections.unmodifiableMap(notifiers);
    }

    /** The transport of one channel. */
    public static Notifier create(ChannelConfig config, Clock clock, PrintStream console) {
        // Java 17 has no pattern switch; ChannelConfig is sealed, so these are all the cases
        if (config instanceof ChannelConfig.Slack slack) {
            return slack(slack);
        }
        if (config instanceof ChannelConfig.Email email) {
            return EmailNotifier.create(email, clock);
        }
        if (config instanceof ChannelConfig.Console consoleChannel) {
            return new ConsoleNotifier(consoleChannel.name(), console);
        }
        throw new IllegalArgumentException("unknown channel type " + config.getClass().getName());
    }

    /** A webhook when the channel has a {@code webhookUrl}, else a bot. */
    private static Notifier slack(ChannelConfig.Slack config) {
        if (config.webhookUrl().isPresent()) {
            return SlackWebhookNotifier.create(config.name(), config.webhookUrl().get());
        }
        if (config.token().isPresent() && config.channel().isPresent()) {
            return SlackBotNotifier.create(config.name(), config.token().get(), config.channel().get(),
                    config.apiUrl() == null ? SlackBotNotifier.DEFAULT_API : config.apiUrl());
        }
        throw new IllegalArgumentException("Slack channel " + config.name() + " needs webhookUrl, or token and channel");
    }
}

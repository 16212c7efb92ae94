package budgetbot.app;

import budgetbot.config.ChannelConfig;
import budgetbot.notify.JsonPost;
import budgetbot.notify.Notifier;
import budgetbot.notify.console.ConsoleNotifier;
import budgetbot.notify.dingtalk.DingTalkNotifier;
import budgetbot.notify.email.EmailNotifier;
import budgetbot.notify.feishu.FeishuNotifier;
import budgetbot.notify.pagerduty.PagerDutyNotifier;
import budgetbot.notify.slack.SlackBotNotifier;
import budgetbot.notify.slack.SlackWebhookNotifier;
import budgetbot.notify.webhook.WebhookNotifier;
import budgetbot.notify.wecom.WeComNotifier;

import java.io.PrintStream;
import java.net.URI;
import java.time.Clock;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Builds the transport of each configured channel. */
public final class Notifiers {

    private Notifiers() {
    }

    /**
     * One notifier per channel name, in the order given.
     *
     * @param statusPage where chat messages link to ({@code server.publicUrl}), if anywhere
     * @param clock      dates emails, times signatures
     * @param console    where console channels print
     */
    public static Map<String, Notifier> create(Map<String, ChannelConfig> channels, Optional<URI> statusPage,
                                               Clock clock, PrintStream console) {
        Map<String, Notifier> notifiers = new LinkedHashMap<>();
        channels.forEach((name, channel) -> notifiers.put(name, create(channel, statusPage, clock, console)));
        return Collections.unmodifiableMap(notifiers);
    }

    /**
     * The transport of one channel.
     *
     * @param statusPage where chat messages link to for the whole picture ({@code server.publicUrl}), if anywhere
     */
    public static Notifier create(ChannelConfig config, Optional<URI> statusPage, Clock clock, PrintStream console) {
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
        if (config instanceof ChannelConfig.Feishu feishu) {
            return FeishuNotifier.create(feishu, statusPage, clock, JsonPost.TIMEOUT);
        }
        if (config instanceof ChannelConfig.DingTalk dingtalk) {
            return DingTalkNotifier.create(dingtalk, statusPage, clock, JsonPost.TIMEOUT);
        }
        if (config instanceof ChannelConfig.WeCom wecom) {
            return WeComNotifier.create(wecom, statusPage, JsonPost.TIMEOUT);
        }
        if (config instanceof ChannelConfig.Webhook webhook) {
            return WebhookNotifier.create(webhook, statusPage, clock, JsonPost.TIMEOUT);
        }
        if (config instanceof ChannelConfig.PagerDuty pagerDuty) {
            return PagerDutyNotifier.create(pagerDuty, statusPage, JsonPost.TIMEOUT);
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
                    config.apiUrl() == null ? SlackBotNotifier.DEFAULT_API : config.apiUrl(),
                    config.buttons().isPresent());
        }
        throw new IllegalArgumentException("Slack channel " + config.name() + " needs webhookUrl, or token and channel");
    }
}

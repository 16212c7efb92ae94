package budgetbot.app;

import budgetbot.config.ChannelConfig;
import budgetbot.config.Secret;
import budgetbot.config.SmtpConfig;
import budgetbot.notify.Notifier;
import budgetbot.notify.console.ConsoleNotifier;
import budgetbot.notify.email.EmailNotifier;
import budgetbot.notify.slack.SlackBotNotifier;
import budgetbot.notify.slack.SlackWebhookNotifier;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NotifiersTest {
    @Test
    void buildsOneTransportPerChannelInOrder() {
        Map<String, ChannelConfig> channels = new LinkedHashMap<>();
        channels.put("hook", new ChannelConfig.Slack("hook", Optional.of(new Secret("https://chat.example.test/hook/T/B/x")),
                Optional.empty(), Optional.empty(), URI.create("https://slack.com/api/")));
        channels.put("bot", new ChannelConfig.Slack("bot", Optional.empty(), Optional.of(new Secret("test-bot-token")),
                Optional.of("#ops"), URI.create("https://slack.com/api/")));
        channels.put("mail", new ChannelConfig.Email("mail", new SmtpConfig("smtp.example.com", 587, Optional.empty(),
                Optional.empty(), true, false), "bot@example.com", List.of("a@example.com")));
        channels.put("console", new ChannelConfig.Console("console"));

        Map<String, Notifier> notifiers = Notifiers.create(channels, Optional.empty(), Clock.systemUTC(), System.out);

        assertThat(notifiers.keySet()).containsExactly("hook", "bot", "mail", "console");
        assertThat(notifiers.get("hook")).isInstanceOf(SlackWebhookNotifier.class).hasToString("SlackWebhookNotifier[the Slack webhook of channel hook]");
        assertThat(notifiers.get("bot")).isInstanceOf(SlackBotNotifier.class).hasToString("SlackBotNotifier[Slack channel #ops (channel bot)]");
        assertThat(notifiers.get("mail")).isInstanceOf(EmailNotifier.class);
        assertThat(notifiers.get("console")).isInstanceOf(ConsoleNotifier.class);
    }

    @Test
    void slackWithoutWebhookOrTokenIsRejected() {
        var config = new ChannelConfig.Slack("ops", Optional.empty(), Optional.of(new Secret("test-bot-x")),
                Optional.empty(), URI.create("https://slack.com/api/"));

        assertThatThrownBy(() -> Notifiers.create(Map.of("ops", config), Optional.empty(), Clock.systemUTC(), System.out))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ops");
    }
}

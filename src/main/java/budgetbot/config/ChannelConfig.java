package budgetbot.config;

import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/** A place notifications go, named in rules.yml under {@code channels:}. */
public sealed interface ChannelConfig {
    String name();

    /**
     * Slack by incoming webhook ({@code webhookUrl}) or bot token ({@code token} + {@code channel}).
     *
     * @param buttons a bot's alerts carry Acknowledge and Snooze buttons ({@code signingSecret})
     */
    record Slack(String name, Optional<Secret> webhookUrl, Optional<Secret> token, Optional<String> channel,
                 URI apiUrl, Optional<Buttons> buttons) implements ChannelConfig {
        public Slack {
            Objects.requireNonNull(buttons, "buttons");
        }

        /** Without buttons. */
        public Slack(String name, Optional<Secret> webhookUrl, Optional<Secret> token, Optional<String> channel,
                     URI apiUrl) {
            this(name, webhookUrl, token, channel, apiUrl, Optional.empty());
        }
    }

    /**
     * Buttons on a Slack bot's alerts: Slack signs every click with the app's {@code signingSecret}.
     *
     * @param allowedUsers the Slack member IDs who may press them; empty: everyone who sees the message
     */
    record Buttons(Secret signingSecret, Set<String> allowedUsers) {
        public Buttons {
            Objects.requireNonNull(signingSecret, "signingSecret");
            allowedUsers = Set.copyOf(allowedUsers);
        }

        public boolean allows(String userId) {
            return allowedUsers.isEmpty() || allowedUsers.contains(userId);
        }
    }

    record Email(String name, SmtpConfig smtp, String from, List<String> to) implements ChannelConfig {
        public Email {
            to = List.copyOf(to);
        }
    }

    /**
     * A Feishu (Lark) custom bot: {@code webhookUrl} with its token; {@code secret} when the bot checks signatures.
     */
    record Feishu(String name, Secret webhookUrl, Optional<Secret> secret) implements ChannelConfig {
    }

    /**
     * A DingTalk custom robot: {@code webhookUrl} with its access token; {@code secret} (SEC...) when it checks
     * signatures; whom to mention by mobile number, or everyone.
     */
    record DingTalk(String name, Secret webhookUrl, Optional<Secret> secret, List<String> atMobiles, boolean atAll)
            implements ChannelConfig {
        public DingTalk {
            atMobiles = List.copyOf(atMobiles);
        }
    }

    /** A WeCom group robot: {@code webhookUrl} with {@code key=}; whom to mention by mobile number. */
    record WeCom(String name, Secret webhookUrl, List<String> mentionedMobiles) implements ChannelConfig {
        public WeCom {
            mentionedMobiles = List.copyOf(mentionedMobiles);
        }
    }

    /** Alertmanager's webhook format (version 4) to any URL; signed with {@code secret} when set. */
    record Webhook(String name, Secret url, Optional<Secret> secret) implements ChannelConfig {
    }

    /** PagerDuty Events API v2: a service's integration ({@code routingKey}); {@code url} for a proxy or a test. */
    record PagerDuty(String name, Secret routingKey, URI url) implements ChannelConfig {
    }

    /** Prints notifications to standard output; for dry runs and the demo. */
    record Console(String name) implements ChannelConfig {
    }
}

package budgetbot.config;

import java.net.URI;
import java.util.List;
import java.util.Optional;

/** A place notifications go, named in rules.yml under {@code channels:}. */
public sealed interface ChannelConfig {
    String name();

    /** Slack by incoming webhook ({@code webhookUrl}) or bot token ({@code token} + {@code channel}). */
    record Slack(String name, Optional<Secret> webhookUrl, Optional<Secret> token, Optional<String> channel,
                 URI apiUrl) implements ChannelConfig {
    }

    record Email(String name, SmtpConfig smtp, String from, List<String> to) implements ChannelConfig {
        public Email {
            to = List.copyOf(to);
        }
    }

    /** Prints notifications to standard output; for dry runs and the demo. */
    record Console(String name) implements ChannelConfig {
    }
}

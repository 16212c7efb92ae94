package budgetbot.config;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads {@code channels:}, the named places notifications go. */
final class Channels {
    static final URI SLACK_API = URI.create("https://slack.com/api/");
    private static final Map<String, String> TYPES = ConfigLoader.names(new String[]{"slack", "email", "console"},
            t -> t);

    private Channels() {
    }

    /** Every channel that could be read; invalid ones are reported and left out. */
    static Map<String, ChannelConfig> read(Section top, Values values) {
        Map<String, ChannelConfig> channels = new LinkedHashMap<>();
        for (Node.Entry e : top.entries("channels", "a mapping of channel name to { type: ..., ... }")) {
            if (e.key().length() > Values.MAX_NAME_LENGTH) {
                values.problems().at(e.line(), e.column(), top.path("channels"), "a channel name "
                        + Values.tooLong(e.key()));
            }
            int deferred = values.deferred();
            Optional<ChannelConfig> channel = channel(e.key(), Section.of(e.value(),
                    FieldPath.field(top.path("channels"), e.key()), values), values);
            // a channel whose secret is not set is left out when the config is loaded without delivering
            if (values.deferred() == deferred) {
                channel.ifPresent(c -> channels.put(e.key(), c));
            }
        }
        return channels;
    }

    private static Optional<ChannelConfig> channel(String name, Section s, Values values) {
        String type = s.required("type", null, values.oneOf(TYPES));
        if (type == null) {
            // without a type it is unknown which fields are valid; one error is enough
            return Optional.empty();
        }
        return Optional.of(switch (type) {
            case "slack" -> slack(name, s.only("type", "webhookUrl", "token", "channel", "apiUrl"), values);
            case "email" -> email(name, s.only("type", "smtp", "from", "to"), values);
            default -> {
                s.only("type");
                yield new ChannelConfig.Console(name);
            }
        });
    }

    private static ChannelConfig slack(String name, Section s, Values values) {
        Optional<Secret> webhookUrl = s.maybe("webhookUrl", values.channelSecret(values.url(true)))
                .map(u -> new Secret(u.toString()));
        Optional<Secret> token = s.maybe("token", values.channelSecret(values.check(values.secret(),
                t -> !t.isEmpty(), t -> "must not be empty")));
        Optional<String> channel = s.maybe("channel", values.nonEmptyString());
        boolean hasWebhook = s.has("webhookUrl");
        boolean hasToken = s.has("token");
        if (hasWebhook && hasToken) {
            s.problem("token", "set either webhookUrl (incoming webhook) or token + channel (bot), not both");
        } else if (!hasWebhook && !hasToken) {
            s.report("a slack channel needs webhookUrl (incoming webhook) or token + channel (bot)");
        } else if (hasToken && !s.has("channel")) {
            s.problem("token", "a bot token needs channel: the Slack channel to post to, quoted because an"
                    + " unquoted # starts a comment, e.g. channel: \"#llm-spend\"");
        } else if (hasWebhook && s.has("channel")) {
            s.problem("channel", "an incoming webhook posts to the channel it was created for;"
                    + " remove channel, or use token + channel");
        }
        return new ChannelConfig.Slack(name, webhookUrl, token, channel,
                s.optional("apiUrl", SLACK_API, values.url(false)));
    }

    private static ChannelConfig email(String name, Section s, Values values) {
        Section smtp = s.section("smtp", true, "host", "port", "username", "password", "starttls", "ssl",
                "allowInsecureAuth");
        boolean starttls = smtp.optional("starttls", false, values.bool());
        boolean ssl = smtp.optional("ssl", false, values.bool());
        boolean allowInsecureAuth = smtp.optional("allowInsecureAuth", false, values.bool());
        if (starttls && ssl) {
            smtp.problem("ssl", "choose starttls (usually port 587) or ssl (SMTPS, usually port 465), not both");
        }
        if (smtp.has("password") && !smtp.has("username")) {
            smtp.problem("password", "a password needs a username to log in with; add smtp.username");
        }
        String host = smtp.required("host", "", values.nonEmptyString());
        if (smtp.has("username") && !starttls && !ssl && !allowInsecureAuth && !host.isEmpty()
                && !Values.isLoopback(host)) {
            smtp.problem("username", "the login would cross the network to " + host + " unencrypted; set starttls:"
                    + " true (usually port 587) or ssl: true (usually port 465), or allowInsecureAuth: true if this"
                    + " network is trusted");
        }
        SmtpConfig relay = new SmtpConfig(host, smtp.optional("port", 587, values.integer(1, 65535)),
                smtp.maybe("username", values.nonEmptyString()),
                smtp.maybe("password", values.channelSecret(values.secret())), starttls, ssl, allowInsecureAuth);
        String from = s.required("from", "", values.email());
        List<String> to = s.required("to", List.of(), values.nonEmpty(values.list(values.email(),
                "a list of email addresses")));
        return new ChannelConfig.Email(name, relay, from, to);
    }
}

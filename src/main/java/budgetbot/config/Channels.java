package budgetbot.config;

import java.net.URI;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Reads {@code channels:}, the named places notifications go. */
final class Channels {
    static final URI SLACK_API = URI.create("https://slack.com/api/");
    static final URI PAGERDUTY_EVENTS = URI.create("https://events.pagerduty.com/v2/enqueue");
    /** The types that open incidents rather than post messages: a digest cannot go there. */
    static final String PAGERDUTY = "pagerduty";
    private static final Map<String, String> TYPES = ConfigLoader.names(new String[]{"slack", "email", "console",
        "feishu", "dingtalk", "wecom", "webhook", PAGERDUTY}, t -> t);

    private Channels() {
    }

    /** Every channel that could be read; invalid ones are reported and left out. */
    static Map<String, ChannelConfig> read(Section top, Values values) {
        boolean server = top.has("server");
        Map<String, ChannelConfig> channels = new LinkedHashMap<>();
        for (Node.Entry e : top.entries("channels", "a mapping of channel name to { type: ..., ... }")) {
            if (e.key().length() > Values.MAX_NAME_LENGTH) {
                values.problems().at(e.line(), e.column(), top.path("channels"), "a channel name "
                        + Values.tooLong(e.key()));
            }
            int deferred = values.deferred();
            Optional<ChannelConfig> channel = channel(e.key(), Section.of(e.value(),
                    FieldPath.field(top.path("channels"), e.key()), values), values, server);
            // a channel whose secret is not set is left out when the config is loaded without delivering
            if (values.deferred() == deferred) {
                channel.ifPresent(c -> channels.put(e.key(), c));
            }
        }
        return channels;
    }

    /** @param server whether the file has {@code server:}, where Slack sends the clicks of buttons */
    private static Optional<ChannelConfig> channel(String name, Section s, Values values, boolean server) {
        String type = s.required("type", null, values.oneOf(TYPES));
        if (type == null) {
            // without a type it is unknown which fields are valid; one error is enough
            return Optional.empty();
        }
        return Optional.of(switch (type) {
            case "slack" -> slack(name, s.only("type", "webhookUrl", "token", "channel", "apiUrl", "signingSecret",
                    "allowedUsers"), values, server);
            case "email" -> email(name, s.only("type", "smtp", "from", "to"), values);
            case "feishu" -> new ChannelConfig.Feishu(name, webhookUrl(s.only("type", "webhookUrl", "secret"),
                    "webhookUrl", values), signingSecret(s, values));
            case "dingtalk" -> dingtalk(name, s.only("type", "webhookUrl", "secret", "atMobiles", "atAll"), values);
            case "wecom" -> wecom(name, s.only("type", "webhookUrl", "mentionedMobiles"), values);
            case "webhook" -> new ChannelConfig.Webhook(name, webhookUrl(s.only("type", "url", "secret"), "url",
                    values), signingSecret(s, values));
            case PAGERDUTY -> new ChannelConfig.PagerDuty(name, s.only("type", "routingKey", "url")
                    .required("routingKey", new Secret(""), values.channelSecret(values.check(values.secret(),
                            k -> !k.reveal().isBlank(), k -> "must not be empty: the Integration Key of the service's"
                                    + " Events API v2 integration"))),
                    s.optional("url", PAGERDUTY_EVENTS, values.url(false)));
            default -> {
                s.only("type");
                yield new ChannelConfig.Console(name);
            }
        });
    }

    private static ChannelConfig slack(String name, Section s, Values values, boolean server) {
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
                s.optional("apiUrl", SLACK_API, values.url(false)), buttons(s, values, server));
    }

    /** {@code signingSecret} and {@code allowedUsers}: buttons, for a bot whose clicks the ops server can take. */
    private static Optional<ChannelConfig.Buttons> buttons(Section s, Values values, boolean server) {
        Optional<Secret> signingSecret = s.maybe("signingSecret", values.channelSecret(values.check(values.secret(),
                k -> !k.reveal().isBlank(), k -> "must not be empty: the Signing Secret of the Slack app (Basic"
                        + " Information → App Credentials), or remove signingSecret: for messages without buttons")));
        List<String> allowedUsers = s.optional("allowedUsers", List.of(), values.list(values.check(
                values.nonEmptyString(), u -> u.matches("[UW][A-Z0-9]{2,30}"), u -> "expected a Slack member ID such"
                        + " as U0123ABCD (in Slack: the person's profile → ⋮ → Copy member ID), got \"" + u + "\""),
                "a list of Slack member IDs"));
        if (s.has("signingSecret") && s.has("webhookUrl")) {
            s.problem("signingSecret", "buttons need a bot token: messages posted through an incoming webhook carry"
                    + " none; use token + channel, or remove signingSecret");
        } else if (s.has("signingSecret") && !server) {
            s.problem("signingSecret", "buttons need server: Slack sends each click to the ops server's"
                    + " /slack/interactions (the Slack app's Interactivity URL is <server.publicUrl>/slack/interactions);"
                    + " add server: { listen: ..., publicUrl: ... }, or remove signingSecret");
        }
        if (s.has("allowedUsers") && !s.has("signingSecret")) {
            s.problem("allowedUsers", "allowedUsers says who may press the buttons, and only a channel with"
                    + " signingSecret has any; add signingSecret, or remove allowedUsers");
        }
        return signingSecret.map(k -> new ChannelConfig.Buttons(k, Set.copyOf(allowedUsers)));
    }

    /**
     * The names of the channels that receive no digests (PagerDuty), read from the file whatever else is wrong with
     * them, so that a digest naming one is told so.
     */
    static Set<String> withoutDigests(Section top) {
        Set<String> names = new LinkedHashSet<>();
        for (Node.Entry e : top.entries("channels", "a mapping of channel name to { type: ..., ... }")) {
            if (e.value() instanceof Node.Mapping m && m.get("type").filter(t -> t instanceof Node.Scalar s
                    && PAGERDUTY.equals(s.text())).isPresent()) {
                names.add(e.key());
            }
        }
        return names;
    }

    /** The platform's URL with its token: a secret, required. */
    private static Secret webhookUrl(Section s, String field, Values values) {
        URI url = s.required(field, null, values.channelSecret(values.url(true)));
        return new Secret(url == null ? "" : url.toString());
    }

    private static Optional<Secret> signingSecret(Section s, Values values) {
        return s.maybe("secret", values.channelSecret(values.check(values.secret(), k -> !k.reveal().isBlank(),
                k -> "must not be empty; remove secret: if the bot signs nothing")));
    }

    private static ChannelConfig dingtalk(String name, Section s, Values values) {
        Secret url = webhookUrl(s, "webhookUrl", values);
        Optional<Secret> secret = s.maybe("secret", values.channelSecret(values.check(values.secret(),
                k -> k.reveal().strip().startsWith("SEC"), k -> "a DingTalk signing secret starts with SEC; copy it"
                        + " from the robot's security settings (加签), or remove secret: if the robot uses keywords"
                        + " or IP addresses instead")));
        List<String> atMobiles = s.optional("atMobiles", List.of(), mobiles(values));
        return new ChannelConfig.DingTalk(name, url, secret, atMobiles, s.optional("atAll", false, values.bool()));
    }

    private static ChannelConfig wecom(String name, Section s, Values values) {
        Secret url = webhookUrl(s, "webhookUrl", values);
        if (!url.isEmpty() && !hasKey(url.reveal())) {
            s.problem("webhookUrl", "a WeCom group robot's URL has its key in the query:"
                    + " https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=...; copy the whole URL from the robot's"
                    + " settings (the value is not shown: it is a secret)");
        }
        return new ChannelConfig.WeCom(name, url, s.optional("mentionedMobiles", List.of(), mobiles(values)));
    }

    private static boolean hasKey(String url) {
        String query = URI.create(url).getRawQuery();
        return query != null && Arrays.stream(query.split("&")).anyMatch(p -> p.startsWith("key=") && p.length() > 4);
    }

    /** Phone numbers to mention: digits, optionally with a leading + and country code. */
    private static Values.Reader<List<String>> mobiles(Values values) {
        return values.list(values.check(values.nonEmptyString(), m -> m.strip().matches("\\+?[0-9]{5,20}"),
                m -> "expected a mobile number of digits such as \"13800000000\", got \"" + m + "\""),
                "a list of mobile numbers");
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

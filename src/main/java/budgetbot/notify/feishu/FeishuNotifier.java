package budgetbot.notify.feishu;

import budgetbot.config.ChannelConfig;
import budgetbot.config.Secret;
import budgetbot.notify.Brief;
import budgetbot.notify.DeliveryException;
import budgetbot.notify.Fit;
import budgetbot.notify.JsonPost;
import budgetbot.notify.Message;
import budgetbot.notify.Notifier;
import budgetbot.notify.RateLimit;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Posts an {@code interactive} card to a Feishu (Lark) custom bot: a header coloured by severity, the numbers as
 * fields, the top contributors, the footer and a link to the status page; signed when the bot has a secret.
 */
public final class FeishuNotifier implements Notifier {
    /** Feishu's limit on a request body. */
    static final int MAX_BODY_BYTES = 20_000;
    private static final long RATE_LIMITED = 11232;

    private final JsonPost http;
    private final Secret webhookUrl;
    private final Optional<Secret> secret;
    private final Optional<URI> statusPage;
    private final Clock clock;

    private FeishuNotifier(ChannelConfig.Feishu config, Optional<URI> statusPage, Clock clock, Duration timeout) {
        this.http = new JsonPost("the Feishu bot of channel " + config.name(),
                JsonPost.secrets(config.webhookUrl(), config.secret()), timeout);
        this.webhookUrl = config.webhookUrl();
        this.secret = config.secret();
        this.statusPage = statusPage;
        this.clock = clock;
    }

    /**
     * @param clock   times the signature, which Feishu accepts within an hour of its own clock
     * @param timeout how long the platform may take to answer ({@link JsonPost#TIMEOUT})
     */
    public static FeishuNotifier create(ChannelConfig.Feishu config, Optional<URI> statusPage, Clock clock,
                                        Duration timeout) {
        return new FeishuNotifier(config, statusPage, clock, timeout);
    }

    /** Feishu's limits per custom bot: 5 messages a second and 100 a minute. */
    @Override
    public List<RateLimit> rateLimits() {
        return List.of(RateLimit.perSecond(5), RateLimit.perMinute(100));
    }

    @Override
    public void send(Message message) throws DeliveryException {
        String body = Fit.fit(message.briefOrText(), MAX_BODY_BYTES, (b, note) -> body(b, note).toString(),
                statusPage);
        JsonPost.Answer a = http.post(webhookUrl.reveal(), Map.of(), body);
        if (!a.ok()) {
            throw http.httpFailure("Feishu", a);
        }
        // Feishu answers {"code":0,"msg":"success"}; older bots {"StatusCode":0,"StatusMessage":"success"}
        long code = a.number("code").or(() -> a.number("StatusCode")).orElse(0L);
        if (code != 0) {
            String msg = a.json().map(j -> j.path("msg").asText(j.path("StatusMessage").asText(""))).orElse("");
            throw failure(code, msg);
        }
    }

    /** What Feishu's codes mean, in words that say what to fix. */
    private DeliveryException failure(long code, String msg) {
        String said = msg.isEmpty() ? "" : " \"" + http.quote(msg) + "\"";
        if (code == RATE_LIMITED) {
            return http.failure("Feishu is rate limiting this bot (" + code + ")" + said, true, Optional.empty());
        }
        String what = switch ((int) code) {
            case 19021 -> "Feishu rejected the signature (19021): check secret and clock";
            case 19022 -> "Feishu rejected this host's IP address (19022): check the bot's IP allowlist";
            case 19024 -> "Feishu rejected the message for lacking the bot's keyword (19024): remove the keyword"
                    + " check or use a secret";
            case 9499 -> "Feishu rejected the request as malformed (9499)";
            default -> "Feishu refused the message (" + code + ")";
        };
        return http.failure(what + said, false, Optional.empty());
    }

    private ObjectNode body(Brief b, String note) {
        ObjectNode body = JsonPost.JSON.createObjectNode();
        secret.ifPresent(s -> {
            String timestamp = Long.toString(clock.instant().getEpochSecond());
            body.put("timestamp", timestamp);
            body.put("sign", sign(timestamp, s.reveal()));
        });
        body.put("msg_type", "interactive");
        ObjectNode card = body.putObject("card");
        card.putObject("config").put("wide_screen_mode", true);
        ObjectNode header = card.putObject("header");
        header.put("template", template(b.tone()));
        header.set("title", text(b.headline()));
        ArrayNode elements = card.putArray("elements");
        for (Brief.Part p : b.parts()) {
            if (!p.title().isEmpty()) {
                elements.addObject().put("tag", "div").set("text", text(p.title()));
            }
            if (!p.fields().isEmpty()) {
                ArrayNode fields = elements.addObject().put("tag", "div").putArray("fields");
                p.fields().forEach(f -> fields.addObject().put("is_short", true)
                        .set("text", text(f.label() + "\n" + f.value())));
            }
            if (!p.lines().isEmpty()) {
                elements.addObject().put("tag", "div").set("text", text(String.join("\n", p.lines())));
            }
        }
        elements.addObject().put("tag", "hr");
        for (String small : note.isEmpty() ? List.of(b.footer()) : List.of(b.footer(), note)) {
            if (!small.isEmpty()) {
                elements.addObject().put("tag", "note").putArray("elements").add(text(small));
            }
        }
        statusPage.ifPresent(u -> {
            ObjectNode button = elements.addObject().put("tag", "action").putArray("actions").addObject();
            button.put("tag", "button").put("type", "default").put("url", u.toString());
            button.set("text", text("Status page"));
        });
        return body;
    }

    /** Feishu's signature: HmacSHA256 keyed with timestamp, a line feed and the secret, of nothing, in Base64. */
    static String sign(String timestamp, String secret) {
        return Base64.getEncoder().encodeToString(JsonPost.hmacSha256(timestamp + "\n" + secret, ""));
    }

    /** The card's header colours: red over a limit, orange for other alerts, green resolved, blue otherwise. */
    private static String template(Brief.Tone tone) {
        return switch (tone) {
            case CRITICAL -> "red";
            case WARNING -> "orange";
            case RESOLVED -> "green";
            case INFO -> "blue";
        };
    }

    /** Plain text, which Feishu shows as it is: names need no escaping. */
    private static JsonNode text(String content) {
        return JsonPost.JSON.createObjectNode().put("tag", "plain_text").put("content", content);
    }

    @Override
    public void close() {
        http.close();
    }

    @Override
    public String toString() {
        return "FeishuNotifier[" + http.target() + "]";
    }
}

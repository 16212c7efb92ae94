package budgetbot.notify.dingtalk;

import budgetbot.config.ChannelConfig;
import budgetbot.notify.Brief;
import budgetbot.notify.ChatMarkdown;
import budgetbot.notify.DeliveryException;
import budgetbot.notify.Fit;
import budgetbot.notify.JsonPost;
import budgetbot.notify.Message;
import budgetbot.notify.Notifier;
import budgetbot.notify.RateLimit;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Posts {@code markdown} to a DingTalk custom robot, mentioning {@code atMobiles} (or everyone); signed with
 * {@code timestamp} and {@code sign} query parameters when the robot has a secret.
 */
public final class DingTalkNotifier implements Notifier {
    /** DingTalk's limit on a markdown text, in bytes. */
    static final int MAX_TEXT_BYTES = 20_000;
    private static final long TOO_FAST = 130101;
    /** DingTalk blocks a robot for 10 minutes after 20 messages in a minute; 130101 asks to wait that minute. */
    private static final Duration TOO_FAST_WAIT = Duration.ofMinutes(1);
    private static final Map<Brief.Tone, String> COLOURS = Map.of(Brief.Tone.CRITICAL, "#d93026",
            Brief.Tone.WARNING, "#e37400", Brief.Tone.RESOLVED, "#188038", Brief.Tone.INFO, "#1a73e8");

    private final JsonPost http;
    private final ChannelConfig.DingTalk config;
    private final Optional<URI> statusPage;
    private final Clock clock;

    private DingTalkNotifier(ChannelConfig.DingTalk config, Optional<URI> statusPage, Clock clock, Duration timeout) {
        this.http = new JsonPost("the DingTalk robot of channel " + config.name(),
                JsonPost.secrets(config.webhookUrl(), config.secret()), timeout);
        this.config = config;
        this.statusPage = statusPage;
        this.clock = clock;
    }

    /**
     * @param clock   times the signature, which DingTalk accepts within an hour of its own clock
     * @param timeout how long the platform may take to answer ({@link JsonPost#TIMEOUT})
     */
    public static DingTalkNotifier create(ChannelConfig.DingTalk config, Optional<URI> statusPage, Clock clock,
                                          Duration timeout) {
        return new DingTalkNotifier(config, statusPage, clock, timeout);
    }

    /** DingTalk's limit per robot: 20 messages a minute (more blocks the robot for 10 minutes). */
    @Override
    public List<RateLimit> rateLimits() {
        return List.of(RateLimit.perMinute(20));
    }

    @Override
    public void send(Message message) throws DeliveryException {
        Brief brief = message.briefOrText();
        String mentions = config.atMobiles().stream().map(m -> "@" + m).reduce((x, y) -> x + " " + y)
                .map(m -> "\n" + m + "\n").orElse("");
        String text = Fit.fit(brief, MAX_TEXT_BYTES - Fit.bytes(mentions),
                (b, note) -> ChatMarkdown.render(b, COLOURS, statusPage, note), statusPage)
                + mentions;
        ObjectNode body = JsonPost.JSON.createObjectNode().put("msgtype", "markdown");
        body.putObject("markdown").put("title", brief.headline()).put("text", text);
        ObjectNode at = body.putObject("at");
        ArrayNode mobiles = at.putArray("atMobiles");
        config.atMobiles().forEach(mobiles::add);
        at.put("isAtAll", config.atAll());
        JsonPost.Answer a = http.post(url(), Map.of(), body);
        if (!a.ok()) {
            throw http.httpFailure("DingTalk", a);
        }
        long code = a.number("errcode").orElse(0L);
        if (code != 0) {
            throw failure(code, a.json().map(j -> j.path("errmsg").asText("")).orElse(""));
        }
    }

    private DeliveryException failure(long code, String msg) {
        String said = msg.isEmpty() ? "" : " \"" + http.quote(msg) + "\"";
        if (code == TOO_FAST) {
            return http.failure("DingTalk says the robot sends too fast (130101)" + said + "; waiting a minute", true,
                    Optional.of(TOO_FAST_WAIT));
        }
        String what = code == 310000
                ? "DingTalk rejected the message's security check (310000): check secret and clock, the keyword or"
                + " the IP allowlist in the robot's security settings"
                : code == 300001 ? "DingTalk does not know this robot's token (300001): check webhookUrl"
                : "DingTalk refused the message (" + code + ")";
        return http.failure(what + said, false, Optional.empty());
    }

    /** {@code webhookUrl}, with {@code timestamp} and {@code sign} when the robot has a secret. */
    private String url() {
        String url = config.webhookUrl().reveal();
        if (config.secret().isEmpty()) {
            return url;
        }
        String timestamp = Long.toString(clock.millis());
        return url + (url.contains("?") ? "&" : "?") + "timestamp=" + timestamp + "&sign="
                + sign(timestamp, config.secret().get().reveal());
    }

    /** DingTalk's signature: HmacSHA256 keyed with the secret of timestamp, line feed, secret; Base64, URL-encoded. */
    static String sign(String timestamp, String secret) {
        return URLEncoder.encode(Base64.getEncoder().encodeToString(JsonPost.hmacSha256(secret,
                timestamp + "\n" + secret)), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        http.close();
    }

    @Override
    public String toString() {
        return "DingTalkNotifier[" + http.target() + "]";
    }
}

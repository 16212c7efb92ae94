package budgetbot.notify.wecom;

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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Posts {@code markdown} to a WeCom group robot, within WeCom's 4,096 bytes. WeCom's markdown cannot mention anyone
 * by mobile number, so with {@code mentionedMobiles} an alert that fires is followed by a short {@code text} that
 * mentions them.
 */
public final class WeComNotifier implements Notifier {
    private static final Logger log = LoggerFactory.getLogger(WeComNotifier.class);
    /** WeCom's limit on a markdown content, in bytes of UTF-8. */
    public static final int MAX_CONTENT_BYTES = 4096;
    private static final long RATE_LIMITED = 45009;
    private static final long BUSY = -1;
    /** WeCom allows 20 messages a minute per robot; after 45009 the minute has to pass. */
    private static final Duration RATE_LIMIT_WAIT = Duration.ofMinutes(1);
    private static final int PER_MINUTE = 20;
    /** WeCom's markdown has three colours: green (info), grey (comment) and orange-red (warning). */
    private static final Map<Brief.Tone, String> COLOURS = Map.of(Brief.Tone.CRITICAL, "warning",
            Brief.Tone.WARNING, "warning", Brief.Tone.RESOLVED, "info", Brief.Tone.INFO, "comment");

    private final JsonPost http;
    private final ChannelConfig.WeCom config;
    private final Optional<URI> statusPage;

    private WeComNotifier(ChannelConfig.WeCom config, Optional<URI> statusPage, Duration timeout) {
        this.http = new JsonPost("the WeCom robot of channel " + config.name(),
                JsonPost.secrets(config.webhookUrl(), Optional.empty()), timeout);
        this.config = config;
        this.statusPage = statusPage;
    }

    /**
     * @param timeout how long the platform may take to answer ({@link JsonPost#TIMEOUT})
     */
    public static WeComNotifier create(ChannelConfig.WeCom config, Optional<URI> statusPage,
                                       Duration timeout) {
        return new WeComNotifier(config, statusPage, timeout);
    }

    /** 20 messages a minute per robot; half as many alerts when each may take a mention after it. */
    @Override
    public List<RateLimit> rateLimits() {
        return List.of(RateLimit.perMinute(config.mentionedMobiles().isEmpty() ? PER_MINUTE : PER_MINUTE / 2));
    }

    @Override
    public void send(Message message) throws DeliveryException {
        Brief brief = message.briefOrText();
        ObjectNode body = JsonPost.JSON.createObjectNode().put("msgtype", "markdown");
        body.putObject("markdown").put("content", content(brief, statusPage));
        check(http.post(config.webhookUrl().reveal(), Map.of(), body));
        boolean firing = brief.alerts().stream().anyMatch(a -> !a.resolved())
                && (brief.tone() == Brief.Tone.WARNING || brief.tone() == Brief.Tone.CRITICAL);
        if (firing && !config.mentionedMobiles().isEmpty()) {
            mention(brief);
        }
    }

    /** The markdown of {@code brief} within {@link #MAX_CONTENT_BYTES}. */
    static String content(Brief brief, Optional<URI> statusPage) {
        return Fit.fit(brief, MAX_CONTENT_BYTES,
                (b, note) -> ChatMarkdown.render(b, COLOURS, statusPage, note), statusPage);
    }

    /** The alert went out; a mention that fails is logged, since retrying would send the alert twice. */
    private void mention(Brief brief) {
        ObjectNode body = JsonPost.JSON.createObjectNode().put("msgtype", "text");
        ObjectNode text = body.putObject("text").put("content", Fit.cutBytes(brief.headline(), 2000));
        ArrayNode mobiles = text.putArray("mentioned_mobile_list");
        config.mentionedMobiles().forEach(mobiles::add);
        try {
            check(http.post(config.webhookUrl().reveal(), Map.of(), body));
        } catch (DeliveryException e) {
            log.warn("the alert reached {}, but mentioning {} did not: {}", http.target(), config.mentionedMobiles(),
                    e.getMessage());
        }
    }

    private void check(JsonPost.Answer a) throws DeliveryException {
        if (!a.ok()) {
            throw http.httpFailure("WeCom", a);
        }
        long code = a.number("errcode").orElse(0L);
        if (code == 0) {
            return;
        }
        String said = a.json().map(j -> j.path("errmsg").asText("")).filter(m -> !m.isEmpty())
                .map(m -> " \"" + http.quote(m) + "\"").orElse("");
        if (code == RATE_LIMITED) {
            throw http.failure("WeCom is rate limiting this robot (45009)" + said, true, Optional.of(RATE_LIMIT_WAIT));
        }
        if (code == BUSY) {
            throw http.failure("WeCom is busy (-1)" + said, true, Optional.empty());
        }
        String what = switch ((int) code) {
            case 93000 -> "WeCom does not know this robot (93000): check webhookUrl and its key";
            case 40058 -> "WeCom rejected the message as too long (40058)";
            default -> "WeCom refused the message (" + code + ")";
        };
        throw http.failure(what + said, false, Optional.empty());
    }

    @Override
    public void close() {
        http.close();
    }

    @Override
    public String toString() {
        return "WeComNotifier[" + http.target() + "]";
    }
}

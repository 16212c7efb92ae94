package budgetbot.notify.pagerduty;

import budgetbot.config.ChannelConfig;
import budgetbot.notify.Brief;
import budgetbot.notify.DeliveryException;
import budgetbot.notify.JsonPost;
import budgetbot.notify.Message;
import budgetbot.notify.Notifier;
import budgetbot.notify.RateLimit;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Sends each alert of a message to PagerDuty's Events API v2: {@code trigger} while it fires and {@code resolve} when
 * it resolves, with the alert's fingerprint as {@code dedup_key}, so that the resolution closes the incident its
 * firing opened. Digests are not incidents and are not sent ({@code validate} refuses a digest to PagerDuty).
 */
public final class PagerDutyNotifier implements Notifier {
    private static final Logger log = LoggerFactory.getLogger(PagerDutyNotifier.class);
    private static final int SUMMARY_MAX = 1024;
    /** PagerDuty's documented limit per integration key. */
    private static final int PER_MINUTE = 120;

    private final JsonPost http;
    private final ChannelConfig.PagerDuty config;
    private final Optional<URI> statusPage;

    private PagerDutyNotifier(ChannelConfig.PagerDuty config, Optional<URI> statusPage, Duration timeout) {
        this.http = new JsonPost("the PagerDuty service of channel " + config.name(), List.of(config.routingKey()),
                timeout);
        this.config = config;
        this.statusPage = statusPage;
    }

    /**
     * @param timeout how long the platform may take to answer ({@link JsonPost#TIMEOUT})
     */
    public static PagerDutyNotifier create(ChannelConfig.PagerDuty config, Optional<URI> statusPage,
                                           Duration timeout) {
        return new PagerDutyNotifier(config, statusPage, timeout);
    }

    @Override
    public List<RateLimit> rateLimits() {
        return List.of(RateLimit.perMinute(PER_MINUTE));
    }

    /**
     * One event per alert. When a later one fails, the outbox sends the message again; PagerDuty folds a repeated
     * trigger or resolve of the same dedup_key into what it already has.
     */
    @Override
    public void send(Message message) throws DeliveryException {
        Brief brief = message.briefOrText();
        if (brief.alerts().isEmpty() || "digest".equals(message.kind())) {
            log.debug("{}: a {} opens no incident; not sent", http.target(), message.kind());
            return;
        }
        for (Brief.Alert a : brief.alerts()) {
            event(a, a.resolved() ? "resolve" : "trigger");
            if (Message.TEST.equals(message.kind())) {
                // the test shows the integration works; nobody should stay paged for it
                event(a, "resolve");
            }
        }
    }

    private void event(Brief.Alert a, String action) throws DeliveryException {
        ObjectNode body = JsonPost.JSON.createObjectNode();
        body.put("routing_key", config.routingKey().reveal());
        body.put("event_action", action);
        body.put("dedup_key", a.fingerprint());
        if (action.equals("trigger")) {
            ObjectNode payload = body.putObject("payload");
            String summary = a.annotation("summary");
            payload.put("summary", summary.length() <= SUMMARY_MAX ? summary
                    : summary.substring(0, SUMMARY_MAX - 1) + "…");
            payload.put("source", a.label("key").isEmpty() ? "budgetbot" : "budgetbot: " + a.label("key"));
            payload.put("severity", a.label("severity").isEmpty() ? "info" : a.label("severity"));
            payload.put("timestamp", a.startsAt());
            payload.put("component", a.label("alertname"));
            payload.put("group", a.label("group"));
            payload.put("class", a.label("condition"));
            ObjectNode details = payload.putObject("custom_details");
            a.annotation("description").lines().forEach(line -> {
                int colon = line.indexOf(": ");
                details.put(colon < 0 ? line : line.substring(0, colon), colon < 0 ? "" : line.substring(colon + 2));
            });
            a.labels().forEach((k, v) -> details.put("label " + k, v));
            body.put("client", "budgetbot");
            statusPage.ifPresent(u -> {
                body.put("client_url", u.toString());
                body.putArray("links").addObject().put("href", u.toString()).put("text", "budgetbot status page");
            });
        }
        JsonPost.Answer answer = http.post(config.url().toString(), Map.of(), body);
        if (!answer.ok()) {
            String said = answer.json().map(j -> j.path("message").asText("") + " " + j.path("errors").toString())
                    .orElse(answer.body());
            throw answer.status() == 400
                    ? http.failure("PagerDuty rejected the event (HTTP 400): " + http.quote(said)
                    + "; check routingKey (the service's Events API v2 integration key)", false, Optional.empty())
                    : http.httpFailure("PagerDuty", answer);
        }
    }

    @Override
    public void close() {
        http.close();
    }

    @Override
    public String toString() {
        return "PagerDutyNotifier[" + http.target() + "]";
    }
}

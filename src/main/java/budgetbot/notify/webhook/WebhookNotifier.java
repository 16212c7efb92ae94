package budgetbot.notify.webhook;

import budgetbot.config.ChannelConfig;
import budgetbot.notify.Brief;
import budgetbot.notify.DeliveryException;
import budgetbot.notify.JsonPost;
import budgetbot.notify.Message;
import budgetbot.notify.Notifier;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Posts Alertmanager's webhook body (version 4) to any URL, so that the bridges built for Alertmanager
 * (prometheus-webhook-dingtalk, PrometheusAlert, ...) work unchanged; signed with {@code X-Budgetbot-Timestamp} and
 * {@code X-Budgetbot-Signature} when the channel has a secret.
 */
public final class WebhookNotifier implements Notifier {
    public static final String TIMESTAMP_HEADER = "X-Budgetbot-Timestamp";
    public static final String SIGNATURE_HEADER = "X-Budgetbot-Signature";
    /** Alertmanager's endsAt of an alert that has not ended. */
    private static final String NOT_ENDED = "0001-01-01T00:00:00Z";
    private static final List<String> GROUPED_BY = List.of("alertname", "group");

    private final JsonPost http;
    private final ChannelConfig.Webhook config;
    private final Optional<URI> statusPage;
    private final Clock clock;

    private WebhookNotifier(ChannelConfig.Webhook config, Optional<URI> statusPage, Clock clock, Duration timeout) {
        this.http = new JsonPost("the webhook of channel " + config.name(),
                JsonPost.secrets(config.url(), config.secret()), timeout);
        this.config = config;
        this.statusPage = statusPage;
        this.clock = clock;
    }

    /**
     * @param clock   times the signature
     * @param timeout how long the platform may take to answer ({@link JsonPost#TIMEOUT})
     */
    public static WebhookNotifier create(ChannelConfig.Webhook config, Optional<URI> statusPage, Clock clock,
                                         Duration timeout) {
        return new WebhookNotifier(config, statusPage, clock, timeout);
    }

    @Override
    public void send(Message message) throws DeliveryException {
        String body = body(message.briefOrText()).toString();
        Map<String, String> headers = new LinkedHashMap<>();
        config.secret().ifPresent(s -> {
            String timestamp = Long.toString(clock.instant().getEpochSecond());
            headers.put(TIMESTAMP_HEADER, timestamp);
            headers.put(SIGNATURE_HEADER, "sha256=" + sign(s.reveal(), timestamp, body));
        });
        JsonPost.Answer a = http.post(config.url().reveal(), headers, body);
        if (!a.ok()) {
            throw http.httpFailure("The webhook", a);
        }
    }

    /** hex(HmacSHA256(secret, timestamp + "." + body)), what a receiver recomputes from the raw body. */
    static String sign(String secret, String timestamp, String body) {
        return HexFormat.of().formatHex(JsonPost.hmacSha256(secret, timestamp + "." + body));
    }

    private ObjectNode body(Brief b) {
        List<Brief.Alert> alerts = b.alerts();
        ObjectNode body = JsonPost.JSON.createObjectNode();
        body.put("version", "4");
        Map<String, String> common = common(alerts.stream().map(Brief.Alert::labels).toList());
        Map<String, String> grouped = new LinkedHashMap<>();
        GROUPED_BY.stream().filter(common::containsKey).forEach(l -> grouped.put(l, common.get(l)));
        body.put("groupKey", "{}:{" + grouped.entrySet().stream().map(e -> e.getKey() + "=\"" + e.getValue() + "\"")
                .collect(Collectors.joining(", ")) + "}");
        body.put("truncatedAlerts", 0);
        // a message queued before it had alerts has none, and is news rather than a resolution
        body.put("status", !alerts.isEmpty() && alerts.stream().allMatch(Brief.Alert::resolved)
                ? Brief.Alert.RESOLVED : Brief.Alert.FIRING);
        body.put("receiver", config.name());
        body.set("groupLabels", JsonPost.JSON.valueToTree(grouped));
        body.set("commonLabels", JsonPost.JSON.valueToTree(common));
        body.set("commonAnnotations", JsonPost.JSON.valueToTree(common(alerts.stream()
                .map(Brief.Alert::annotations).toList())));
        String external = statusPage.map(URI::toString).orElse("");
        body.put("externalURL", external);
        ArrayNode items = body.putArray("alerts");
        for (Brief.Alert a : alerts) {
            ObjectNode item = items.addObject();
            item.put("status", a.status());
            item.set("labels", JsonPost.JSON.valueToTree(a.labels()));
            item.set("annotations", JsonPost.JSON.valueToTree(a.annotations()));
            item.put("startsAt", a.startsAt());
            item.put("endsAt", a.endsAt() == null ? NOT_ENDED : a.endsAt());
            item.put("generatorURL", external);
            item.put("fingerprint", a.fingerprint());
        }
        return body;
    }

    /** The entries every map has with the same value, in the first map's order. */
    private static Map<String, String> common(List<Map<String, String>> maps) {
        Map<String, String> common = new LinkedHashMap<>(maps.isEmpty() ? Map.of() : maps.get(0));
        common.entrySet().removeIf(e -> maps.stream().anyMatch(m -> !Objects.equals(m.get(e.getKey()), e.getValue())));
        return common;
    }

    @Override
    public void close() {
        http.close();
    }

    @Override
    public String toString() {
        return "WebhookNotifier[" + http.target() + "]";
    }
}

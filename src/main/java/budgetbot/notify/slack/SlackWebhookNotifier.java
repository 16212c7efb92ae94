package budgetbot.notify.slack;

import budgetbot.config.Secret;
import budgetbot.notify.DeliveryException;
import budgetbot.notify.Message;
import budgetbot.notify.Notifier;
import budgetbot.notify.RateLimit;
import budgetbot.notify.Redaction;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.slack.api.Slack;
import com.slack.api.webhook.WebhookResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** Posts messages to a Slack incoming webhook: text and blocks; a webhook cannot carry images. */
public final class SlackWebhookNotifier implements Notifier {
    private static final Logger log = LoggerFactory.getLogger(SlackWebhookNotifier.class);

    private final String target;
    private final Slack slack;
    private final Secret webhookUrl;
    private final List<String> secrets;

    private SlackWebhookNotifier(String target, Secret webhookUrl) {
        this.target = target;
        this.webhookUrl = webhookUrl;
        // a library may quote only the path of the URL, which carries the secret part
        this.secrets = Redaction.values(List.of(webhookUrl, new Secret(URI.create(webhookUrl.reveal()).getRawPath())));
        this.slack = SlackClients.create(SlackClients.DEFAULT_API);
    }

    /** Posts to the incoming webhook {@code url}; {@code name} is the configured channel's name, used in errors. */
    public static SlackWebhookNotifier create(String name, Secret url) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(url, "url");
        if (!isHttpUrlWithPath(url.reveal())) {
            // the URL is the secret, so the message cannot say what is wrong with it beyond this
            throw new IllegalArgumentException("Slack channel " + name + ": webhook URL is not an http(s) URL with a path");
        }
        return new SlackWebhookNotifier("the Slack webhook of channel " + name, url);
    }

    private static boolean isHttpUrlWithPath(String url) {
        try {
            URI uri = new URI(url);
            return ("https".equalsIgnoreCase(uri.getScheme()) || "http".equalsIgnoreCase(uri.getScheme()))
                    && uri.getHost() != null && uri.getRawPath() != null && uri.getRawPath().length() > 1;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    /** Slack's limit for posting to one channel: about one message a second, with short bursts allowed. */
    @Override
    public List<RateLimit> rateLimits() {
        return List.of(RateLimit.perSecond(1));
    }

    @Override
    public void send(Message message) throws DeliveryException {
        ObjectNode payload = SlackClients.JSON.createObjectNode();
        SlackClients.text(message).ifPresent(t -> payload.put("text", t));
        JsonNode blocks = SlackClients.blocks(message, target);
        if (!blocks.isEmpty()) {
            payload.set("blocks", blocks);
        }
        if (!message.images().isEmpty()) {
            log.debug("{}: a webhook cannot carry images, sending {} without its {} image(s)",
                    target, message.kind(), message.images().size());
        }
        WebhookResponse response;
        try {
            response = slack.send(webhookUrl.reveal(), payload.toString());
        } catch (IOException | RuntimeException e) {
            throw SlackResults.io(target, e, secrets);
        }
        int status = response.getCode() == null ? 0 : response.getCode();
        Optional<String> error = status / 100 == 2 ? Optional.empty()
                : Optional.ofNullable(response.getBody()).filter(b -> !b.isBlank())
                .or(() -> Optional.ofNullable(response.getMessage()));
        SlackResults.check(target, status, error, header(response.getHeaders(), "Retry-After"), secrets);
    }

    private static Optional<String> header(Map<String, List<String>> headers, String name) {
        if (headers == null) {
            return Optional.empty();
        }
        return headers.entrySet().stream()
                .filter(h -> h.getKey() != null && h.getKey().equalsIgnoreCase(name) && !h.getValue().isEmpty())
                .map(h -> h.getValue().get(0))
                .findFirst();
    }

    @Override
    public void close() {
        SlackClients.close(slack, target);
    }

    @Override
    public String toString() {
        return "SlackWebhookNotifier[" + target + "]";
    }
}

package budgetbot.notify.slack;

import budgetbot.notify.DeliveryException;
import budgetbot.notify.Message;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.slack.api.Slack;
import com.slack.api.SlackConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.util.ArrayList;
import java.util.Optional;

/** What both Slack notifiers need: a client of their own, reading a message's blocks, closing. */
final class SlackClients {
    private static final Logger log = LoggerFactory.getLogger(SlackClients.class);
    static final ObjectMapper JSON = new ObjectMapper();
    static final URI DEFAULT_API = URI.create("https://slack.com/api/");
    private static final int TIMEOUT_MILLIS = 30_000;

    private SlackClients() {
    }

    /** A client with its own OkHttp pool, which {@link #close} releases. */
    static Slack create(URI apiUrl) {
        return Slack.getInstance(config(apiUrl));
    }

    static void close(Slack slack, String target) {
        try {
            slack.close();
        } catch (Exception e) {
            log.debug("closing the Slack client of {} failed: {}", target, e.toString());
        }
    }

    private static SlackConfig config(URI apiUrl) {
        // a fresh config: the shared default one has stats on, which makes extra calls
        SlackConfig c = new SlackConfig();
        c.setStatsEnabled(false);
        String prefix = apiUrl.toString();
        c.setMethodsEndpointUrlPrefix(prefix.endsWith("/") ? prefix : prefix + "/");
        c.setHttpClientReadTimeoutMillis(TIMEOUT_MILLIS);
        c.setHttpClientWriteTimeoutMillis(TIMEOUT_MILLIS);
        // the default listeners log each request URL at DEBUG, and a webhook URL is a secret
        c.setHttpClientResponseHandlers(new ArrayList<>());
        return c;
    }

    /** The message's top-level text, already escaped by the renderer; none for a message queued without one. */
    static Optional<String> text(Message message) {
        return Optional.of(message.slackText()).filter(t -> !t.isEmpty());
    }

    static JsonNode blocks(Message message, String target) throws DeliveryException {
        return array(message.slackBlocks(), message, target);
    }

    /**
     * The message's blocks followed by its buttons, each buttons block's {@code block_id} followed by
     * {@code channel} (the channel's name in rules.yml), so that a click says which channel's secret and users apply.
     */
    static String withActions(Message message, String channel, String target) throws DeliveryException {
        ArrayNode all = ((ArrayNode) blocks(message, target)).deepCopy();
        for (JsonNode block : array(message.slackActions(), message, target)) {
            ObjectNode copy = block.deepCopy();
            all.add(copy.put("block_id", block.path("block_id").asText() + channel));
        }
        return all.toString();
    }

    private static JsonNode array(String json, Message message, String target) throws DeliveryException {
        try {
            JsonNode blocks = JSON.readTree(json);
            if (blocks == null || !blocks.isArray()) {
                throw DeliveryException.permanent(message.kind() + " for " + target + " has Slack blocks that are not a JSON array", null);
            }
            return blocks;
        } catch (JsonProcessingException e) {
            throw DeliveryException.permanent(message.kind() + " for " + target + " has invalid Slack blocks JSON", e);
        }
    }

}

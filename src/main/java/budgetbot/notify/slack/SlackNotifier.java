package budgetbot.notify.slack;

import budgetbot.config.ChannelConfig;
import budgetbot.config.Secret;
import budgetbot.notify.DeliveryException;
import budgetbot.notify.Image;
import budgetbot.notify.Message;
import budgetbot.notify.Notifier;
import budgetbot.notify.Redaction;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.slack.api.Slack;
import com.slack.api.SlackConfig;
import com.slack.api.methods.MethodsClient;
import com.slack.api.methods.SlackApiException;
import com.slack.api.methods.SlackFilesUploadV2Exception;
import com.slack.api.methods.request.files.FilesUploadV2Request;
import com.slack.api.methods.response.chat.ChatPostMessageResponse;
import com.slack.api.methods.response.files.FilesUploadV2Response;
import com.slack.api.webhook.WebhookResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Sends messages to Slack, by incoming webhook or as a bot with {@code chat.postMessage}; a bot also uploads
 * the message's images into the channel with {@code files.uploadV2}.
 */
public final class SlackNotifier implements Notifier {
    private static final Logger log = LoggerFactory.getLogger(SlackNotifier.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final URI DEFAULT_API = URI.create("https://slack.com/api/");
    private static final int TIMEOUT_MILLIS = 30_000;

    private final String target;
    private final Slack slack;
    private final Secret webhookUrl;
    private final Secret token;
    private final String channel;
    private final List<String> secrets;

    private SlackNotifier(String target, Slack slack, Secret webhookUrl, Secret token, String channel) {
        this.target = target;
        this.slack = slack;
        this.webhookUrl = webhookUrl;
        this.token = token;
        this.channel = channel;
        List<Secret> all = new ArrayList<>();
        if (webhookUrl != null) {
            all.add(webhookUrl);
            // a library may quote only the path of the URL, which carries the secret part
            all.add(new Secret(URI.create(webhookUrl.reveal()).getRawPath()));
        }
        if (token != null) {
            all.add(token);
        }
        this.secrets = Redaction.values(all);
    }

    /** A notifier for the configured channel: webhook when it has a {@code webhookUrl}, else bot. */
    public static SlackNotifier create(ChannelConfig.Slack config) {
        if (config.webhookUrl().isPresent()) {
            return webhook(config.name(), config.webhookUrl().get());
        }
        if (config.token().isPresent() && config.channel().isPresent()) {
            return bot(config.name(), config.token().get(), config.channel().get(),
                    config.apiUrl() == null ? DEFAULT_API : config.apiUrl());
        }
        throw new IllegalArgumentException("Slack channel " + config.name() + " needs webhookUrl, or token and channel");
    }

    /** Posts to an incoming webhook; {@code name} is the configured channel's name, used in errors. */
    public static SlackNotifier webhook(String name, Secret url) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(url, "url");
        if (!isHttpUrlWithPath(url.reveal())) {
            // the URL is the secret, so the message cannot say what is wrong with it beyond this
            throw new IllegalArgumentException("Slack channel " + name + ": webhook URL is not an http(s) URL with a path");
        }
        return new SlackNotifier("the Slack webhook of channel " + name, Slack.getInstance(config(DEFAULT_API)),
                url, null, null);
    }

    /** Posts as a bot into {@code channel} (a name or ID) through the Web API at {@code apiUrl}. */
    public static SlackNotifier bot(String name, Secret token, String channel, URI apiUrl) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(apiUrl, "apiUrl");
        if (token.isEmpty() || channel.isBlank()) {
            throw new IllegalArgumentException("Slack channel " + name + ": token and channel must not be empty");
        }
        return new SlackNotifier("Slack channel " + channel + " (channel " + name + ")",
                Slack.getInstance(config(apiUrl)), null, token, channel);
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

    @Override
    public void send(Message message) throws DeliveryException {
        if (webhookUrl != null) {
            sendToWebhook(message);
        } else {
            postAsBot(message);
        }
    }

    private void sendToWebhook(Message message) throws DeliveryException {
        ObjectNode payload = JSON.createObjectNode().put("text", message.text());
        JsonNode blocks = blocks(message);
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

    private void postAsBot(Message message) throws DeliveryException {
        MethodsClient methods = slack.methods(token.reveal());
        String blocks = blocks(message).isEmpty() ? null : message.slackBlocks();
        ChatPostMessageResponse posted;
        try {
            posted = methods.chatPostMessage(r -> r.channel(channel).text(message.text()).blocksAsString(blocks));
        } catch (SlackApiException e) {
            // the client throws this only for answers other than 200
            throw SlackResults.failure(target, e.getResponse().code(), Optional.of(errorOf(e)),
                    Optional.ofNullable(e.getResponse().header("Retry-After")), secrets);
        } catch (IOException | RuntimeException e) {
            throw SlackResults.io(target, e, secrets);
        }
        SlackResults.check(target, 200, posted.isOk() ? Optional.empty() : Optional.of(String.valueOf(posted.getError())),
                Optional.empty(), secrets);
        if (!message.images().isEmpty()) {
            upload(methods, posted.getChannel(), message.images());
        }
    }

    /**
     * Uploads after the post succeeded, so a failure here is logged, not thrown: a retry would post the text
     * a second time.
     */
    private void upload(MethodsClient methods, String channelId, List<Image> images) {
        List<FilesUploadV2Request.UploadFile> files = images.stream()
                .map(i -> FilesUploadV2Request.UploadFile.builder().fileData(i.png()).filename(i.filename())
                        .title(i.filename()).build())
                .toList();
        try {
            FilesUploadV2Response r = methods.filesUploadV2(req -> req.channel(channelId).uploadFiles(files));
            if (!r.isOk()) {
                log.warn("{}: message posted, but uploading {} image(s) failed: {}", target, files.size(), r.getError());
            }
        } catch (SlackApiException e) {
            log.warn("{}: message posted, but uploading {} image(s) failed: HTTP {} {}", target, files.size(),
                    e.getResponse().code(), Redaction.scrub(errorOf(e), secrets));
        } catch (SlackFilesUploadV2Exception e) {
            log.warn("{}: message posted, but uploading {} image(s) failed at {}", target, files.size(),
                    uploadStep(e));
        } catch (IOException | RuntimeException e) {
            log.warn("{}: message posted, but uploading {} image(s) failed: {}", target, files.size(),
                    Redaction.scrub(e.toString(), secrets));
        }
    }

    private static String uploadStep(SlackFilesUploadV2Exception e) {
        if (e.getCompleteResponse() != null) {
            return "files.completeUploadExternal: " + e.getCompleteResponse().getError();
        }
        if (!e.getUploadResponses().isEmpty()) {
            return "the upload: HTTP " + e.getUploadResponses().values().stream()
                    .map(u -> String.valueOf(u.getCode())).toList();
        }
        return "files.getUploadURLExternal: " + e.getGetURLResponses().stream()
                .map(r -> String.valueOf(r.getError())).toList();
    }

    private static String errorOf(SlackApiException e) {
        if (e.getError() != null && e.getError().getError() != null) {
            return e.getError().getError();
        }
        return e.getResponseBody() == null ? "" : e.getResponseBody();
    }

    private JsonNode blocks(Message message) throws DeliveryException {
        try {
            JsonNode blocks = JSON.readTree(message.slackBlocks());
            if (blocks == null || !blocks.isArray()) {
                throw DeliveryException.permanent(message.kind() + " for " + target + " has Slack blocks that are not a JSON array", null);
            }
            return blocks;
        } catch (JsonProcessingException e) {
            throw DeliveryException.permanent(message.kind() + " for " + target + " has invalid Slack blocks JSON", e);
        }
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
    public String toString() {
        return "SlackNotifier[" + target + "]";
    }
}

package budgetbot.notify.slack;

import budgetbot.config.Secret;
import budgetbot.notify.DeliveryException;
import budgetbot.notify.Image;
import budgetbot.notify.Message;
import budgetbot.notify.Notifier;
import budgetbot.notify.RateLimit;
import budgetbot.notify.Redaction;
import com.slack.api.Slack;
import com.slack.api.methods.MethodsClient;
import com.slack.api.methods.SlackApiException;
import com.slack.api.methods.SlackFilesUploadV2Exception;
import com.slack.api.methods.request.files.FilesUploadV2Request;
import com.slack.api.methods.response.chat.ChatPostMessageResponse;
import com.slack.api.methods.response.files.FilesUploadV2Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Posts messages into a Slack channel as a bot with {@code chat.postMessage}, and uploads the message's images
 * into the channel with {@code files.uploadV2}. With buttons (a channel with a signing secret, whose clicks the ops
 * server verifies), a message's {@link Message#slackActions()} follow its blocks.
 */
public final class SlackBotNotifier implements Notifier {
    public static final URI DEFAULT_API = SlackClients.DEFAULT_API;
    private static final Logger log = LoggerFactory.getLogger(SlackBotNotifier.class);

    private final String name;
    private final String target;
    private final boolean buttons;
    private final Slack slack;
    private final Secret token;
    private final String channel;
    private final List<String> secrets;

    private SlackBotNotifier(String name, String target, Secret token, String channel, URI apiUrl, boolean buttons) {
        this.name = name;
        this.target = target;
        this.buttons = buttons;
        this.token = token;
        this.channel = channel;
        this.secrets = Redaction.values(List.of(token));
        this.slack = SlackClients.create(apiUrl);
    }

    /** Posts as a bot into {@code channel} (a name or ID) through the Web API at {@code apiUrl}, without buttons. */
    public static SlackBotNotifier create(String name, Secret token, String channel, URI apiUrl) {
        return create(name, token, channel, apiUrl, false);
    }

    /**
     * Posts as a bot into {@code channel} (a name or ID) through the Web API at {@code apiUrl}.
     *
     * @param name    the channel's name in rules.yml, which the buttons' block ids carry
     * @param buttons whether messages carry their buttons
     */
    public static SlackBotNotifier create(String name, Secret token, String channel, URI apiUrl, boolean buttons) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(apiUrl, "apiUrl");
        if (token.isEmpty() || channel.isBlank()) {
            throw new IllegalArgumentException("Slack channel " + name + ": token and channel must not be empty");
        }
        return new SlackBotNotifier(name, "Slack channel " + channel + " (channel " + name + ")", token, channel, apiUrl,
                buttons);
    }

    /** Slack's limit for posting to one channel: about one message a second, with short bursts allowed. */
    @Override
    public List<RateLimit> rateLimits() {
        return List.of(RateLimit.perSecond(1));
    }

    @Override
    public void send(Message message) throws DeliveryException {
        MethodsClient methods = slack.methods(token.reveal());
        String blocks = buttons && !message.slackActions().isEmpty() ? SlackClients.withActions(message, name, target)
                : SlackClients.blocks(message, target).isEmpty() ? null : message.slackBlocks();
        ChatPostMessageResponse posted;
        try {
            posted = methods.chatPostMessage(r -> r.channel(channel).text(SlackClients.text(message).orElse(null))
                    .blocksAsString(blocks));
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

    @Override
    public void close() {
        SlackClients.close(slack, target);
    }

    @Override
    public String toString() {
        return "SlackBotNotifier[" + target + "]";
    }
}

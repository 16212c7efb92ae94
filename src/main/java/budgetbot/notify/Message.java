package budgetbot.notify;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import java.util.List;
import java.util.Objects;

/**
 * A notification already rendered for every channel type, so that the outbox can store it and any
 * transport can send it later without knowing whether it is an alert or a digest.
 *
 * @param kind        {@code alert}, {@code notice}, {@code digest} or {@link #TEST}, for logs
 * @param subject     email subject (single line; transports still strip CR/LF)
 * @param text        plain text: email text part, console output
 * @param slackText   Slack's top-level {@code text} (its notification and screen reader fallback): the plain text
 *                    as escaped mrkdwn within Slack's length limit; empty in a message queued by a release that
 *                    did not have it, which then goes to Slack as blocks alone
 * @param html        email HTML part; images referenced as {@code cid:<contentId>}
 * @param slackBlocks Block Kit blocks as a JSON array
 * @param images      inline PNGs (may be empty)
 * @param brief       what it says as structure, for transports that lay it out themselves; null in a message
 *                    queued by a release that did not have it, which those transports then send as its text
 * @param slackActions Block Kit blocks (a JSON array) of buttons that act on what it announces, which a Slack bot
 *                    whose clicks are verified appends to {@code slackBlocks}, each block's {@code block_id} followed
 *                    by the name of the channel (so a click says where it came from); empty when there is nothing
 *                    to act on
 */
// an outbox row may carry fields of another release (the dropped pendingAction, say): they mean nothing here
@JsonIgnoreProperties(ignoreUnknown = true)
public record Message(String kind, String subject, String text, String slackText, String html, String slackBlocks,
                      List<Image> images, Brief brief, String slackActions) {
    /** The kind of {@code notify-test}'s message, which a transport that opens incidents closes again at once. */
    public static final String TEST = "test";

    public Message {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(text, "text");
        // an outbox row written before the field existed has none
        slackText = slackText == null ? "" : slackText;
        Objects.requireNonNull(html, "html");
        Objects.requireNonNull(slackBlocks, "slackBlocks");
        images = List.copyOf(images);
        // an outbox row written before the field existed has none
        slackActions = slackActions == null ? "" : slackActions;
    }

    /** A message without buttons. */
    public Message(String kind, String subject, String text, String slackText, String html, String slackBlocks,
                   List<Image> images, Brief brief) {
        this(kind, subject, text, slackText, html, slackBlocks, images, brief, "");
    }

    /** A message without structure, as an old outbox row has it: transports that need a {@link Brief} send the text. */
    public Message(String kind, String subject, String text, String slackText, String html, String slackBlocks,
                   List<Image> images) {
        this(kind, subject, text, slackText, html, slackBlocks, images, null);
    }

    /** This message with {@code blocks} as its buttons. */
    public Message withSlackActions(String blocks) {
        return new Message(kind, subject, text, slackText, html, slackBlocks, images, brief, blocks);
    }

    /** The structure, or the plain text as a brief of one headline and lines when the message has none. */
    public Brief briefOrText() {
        if (brief != null) {
            return brief;
        }
        List<String> lines = text.lines().skip(1).filter(l -> !l.isBlank()).toList();
        return new Brief(Brief.Tone.INFO, text.lines().findFirst().orElse(subject),
                List.of(new Brief.Part("", List.of(), lines)), "", List.of());
    }
}

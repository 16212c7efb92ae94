package budgetbot.render;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * A builder of Slack Block Kit JSON that keeps within Slack's limits by truncating (header 150 characters,
 * section text 3000, at most 10 fields of 2000, at most 10 context elements; a message takes at most 50 blocks),
 * because Slack rejects the whole message when one block is too long. Callers pass mrkdwn whose names are
 * escaped with {@link Mrkdwn#escape}; every mrkdwn text is marked {@code verbatim}, so that Slack does not turn
 * words such as {@code @here} or {@code #general} into mentions and links by itself.
 */
public final class BlockKit {
    public static final int HEADER_MAX = 150;
    public static final int TEXT_MAX = 3000;
    public static final int FIELD_MAX = 2000;
    public static final int FIELDS_MAX = 10;
    public static final int CONTEXT_ELEMENTS_MAX = 10;
    public static final int BLOCKS_MAX = 50;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ArrayNode blocks = JSON.createArrayNode();

    private BlockKit() {
    }

    public static BlockKit builder() {
        return new BlockKit();
    }

    /**
     * A header block. Slack shows plain text as it is, so it needs no escaping; its angle brackets become
     * look-alikes all the same, so that no payload carries even the text of a mention ({@code <!channel>}).
     */
    public BlockKit header(String plainText) {
        ObjectNode block = blocks.addObject().put("type", "header");
        String text = plainText.replace('<', '‹').replace('>', '›');
        block.putObject("text").put("type", "plain_text").put("text", Mrkdwn.truncate(text, HEADER_MAX))
                .put("emoji", true);
        return this;
    }

    /** A section of mrkdwn text. */
    public BlockKit section(String mrkdwn) {
        ObjectNode block = blocks.addObject().put("type", "section");
        block.set("text", mrkdwn(mrkdwn, TEXT_MAX));
        return this;
    }

    /** A section of mrkdwn text over two-column mrkdwn fields; fields beyond the tenth are dropped. */
    public BlockKit section(String mrkdwn, List<String> mrkdwnFields) {
        ObjectNode block = blocks.addObject().put("type", "section");
        block.set("text", mrkdwn(mrkdwn, TEXT_MAX));
        addFields(block, mrkdwnFields);
        return this;
    }

    /** A section of two-column mrkdwn fields; fields beyond the tenth are dropped. */
    public BlockKit fields(List<String> mrkdwnFields) {
        if (mrkdwnFields.isEmpty()) {
            return this;
        }
        addFields(blocks.addObject().put("type", "section"), mrkdwnFields);
        return this;
    }

    private static void addFields(ObjectNode block, List<String> mrkdwnFields) {
        if (!mrkdwnFields.isEmpty()) {
            ArrayNode fields = block.putArray("fields");
            mrkdwnFields.stream().limit(FIELDS_MAX).forEach(f -> fields.add(mrkdwn(f, FIELD_MAX)));
        }
    }

    /** A context block of small mrkdwn elements. */
    public BlockKit context(List<String> mrkdwnElements) {
        if (mrkdwnElements.isEmpty()) {
            return this;
        }
        ObjectNode block = blocks.addObject().put("type", "context");
        ArrayNode elements = block.putArray("elements");
        mrkdwnElements.stream().limit(CONTEXT_ELEMENTS_MAX).forEach(e -> elements.add(mrkdwn(e, TEXT_MAX)));
        return this;
    }

    /** How many blocks there are so far; Slack takes at most {@link #BLOCKS_MAX}. */
    public int size() {
        return blocks.size();
    }

    /** The blocks as a JSON array, the form {@link budgetbot.notify.Message#slackBlocks()} holds. */
    public String toJson() {
        return blocks.toString();
    }

    private static ObjectNode mrkdwn(String text, int max) {
        return JSON.createObjectNode().put("type", "mrkdwn").put("text", Mrkdwn.truncate(text, max))
                .put("verbatim", true);
    }
}

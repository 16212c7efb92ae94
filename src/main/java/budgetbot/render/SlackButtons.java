package budgetbot.render;

import budgetbot.state.AlertEvent;
import budgetbot.state.AlertStatus;
import budgetbot.state.Acknowledgement;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The buttons of an alert on Slack (Acknowledge, Snooze 4h, Snooze 24h), of a budget action waiting for approval
 * (Approve, Reject), and the message after a click. Every button's value names what it acts on: the rule, the group,
 * and each condition the message announces as firing, with its period and level (what Acknowledge covers), or the
 * budget action's id. A Slack bot whose clicks are verified appends the buttons
 * with its channel's name appended to their block id ({@link #channel} reads it), so that a click comes back with the channel whose signing
 * secret and {@code allowedUsers} apply (Slack keeps a message's block ids and sends the clicked one's back).
 */
public final class SlackButtons {
    /** Slack's limit on a button's value. */
    static final int VALUE_MAX = 2000;
    /** The buttons' block id; the Slack bot appends its channel's name (see {@code Message#slackActions}). */
    private static final String BLOCK_PREFIX = "budgetbot:";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter CLOCK_TIME = DateTimeFormatter.ofPattern("HH:mm", Locale.ENGLISH);

    private SlackButtons() {
    }

    /** What a button does. */
    public enum Action {
        ACKNOWLEDGE("budgetbot.acknowledge", Optional.empty()),
        SNOOZE_4H("budgetbot.snooze.4h", Optional.of(Duration.ofHours(4))),
        SNOOZE_24H("budgetbot.snooze.24h", Optional.of(Duration.ofHours(24))),
        APPROVE("budgetbot.approve", Optional.empty()),
        REJECT("budgetbot.reject", Optional.empty());

        /** The buttons of an alert. */
        private static final List<Action> ALERT = List.of(ACKNOWLEDGE, SNOOZE_4H, SNOOZE_24H);

        private final String id;
        private final Optional<Duration> snooze;

        Action(String id, Optional<Duration> snooze) {
            this.id = id;
            this.snooze = snooze;
        }

        /** Slack's {@code action_id} of the button. */
        public String id() {
            return id;
        }

        /** Whether it approves or rejects a budget action (rather than act on an alert). */
        public boolean decides() {
            return this == APPROVE || this == REJECT;
        }

        /** How long a snooze silences; empty for the others. */
        public Optional<Duration> snooze() {
            return snooze;
        }

        public static Optional<Action> of(String actionId) {
            return Arrays.stream(values()).filter(a -> a.id.equals(actionId)).findFirst();
        }
    }

    /**
     * What a click acts on: a rule's group, and the conditions the message announced as firing, or the budget
     * action it asks to approve.
     */
    public record Target(String rule, String group, List<Acknowledgement.Condition> conditions, OptionalLong action) {
        public Target {
            Objects.requireNonNull(rule, "rule");
            Objects.requireNonNull(group, "group");
            conditions = List.copyOf(conditions);
            Objects.requireNonNull(action, "action");
        }
    }

    /**
     * The buttons of a message about {@code events} (one rule and group) as a JSON array of blocks; empty when it
     * announces nothing that still fires (a resolution), or when what they act on is too long for a button's value.
     */
    public static String of(List<AlertEvent> events, Words w) {
        List<AlertEvent> firing = events.stream().filter(e -> e.status() != AlertStatus.RESOLVED).toList();
        if (firing.isEmpty()) {
            return "";
        }
        ObjectNode value = JSON.createObjectNode().put("rule", firing.get(0).finding().rule())
                .put("group", firing.get(0).finding().group());
        ArrayNode conditions = value.putArray("conditions");
        firing.forEach(e -> conditions.addObject().put("condition", e.finding().condition())
                .put("period", e.finding().window().start().toString())
                .put("level", e.finding().level().stripTrailingZeros().toPlainString()));
        String text = value.toString();
        if (text.length() > VALUE_MAX) {
            return "";
        }
        ArrayNode blocks = JSON.createArrayNode();
        ArrayNode elements = buttons(blocks);
        for (Action a : Action.ALERT) {
            ObjectNode button = button(elements, a, text, w);
            if (a == Action.ACKNOWLEDGE) {
                button.put("style", "primary");
            }
        }
        return blocks.toString();
    }

    /**
     * The buttons of a message asking to approve budget action {@code a}: Approve, which Slack confirms first (it
     * changes a key on UCloud), and Reject.
     */
    public static String approval(budgetbot.guard.Action a, String what, Words w) {
        String value = JSON.createObjectNode().put("rule", a.rule()).put("group", a.group()).put("action", a.id())
                .toString();
        if (value.length() > VALUE_MAX) {
            return "";
        }
        ArrayNode blocks = JSON.createArrayNode();
        ArrayNode elements = buttons(blocks);
        ObjectNode approve = button(elements, Action.APPROVE, value, w).put("style", "primary");
        ObjectNode confirm = approve.putObject("confirm");
        confirm.putObject("title").put("type", "plain_text").put("text",
                Mrkdwn.truncate(w.get("button.confirm.title", a.id()), 100));
        confirm.putObject("text").put("type", "plain_text").put("text", Mrkdwn.truncate(what, 300));
        confirm.putObject("confirm").put("type", "plain_text").put("text", w.get("button.APPROVE"));
        confirm.putObject("deny").put("type", "plain_text").put("text", w.get("button.confirm.deny"));
        button(elements, Action.REJECT, value, w).put("style", "danger");
        return blocks.toString();
    }

    /** An actions block, its elements to fill. */
    private static ArrayNode buttons(ArrayNode blocks) {
        return blocks.addObject().put("type", "actions").put("block_id", BLOCK_PREFIX).putArray("elements");
    }

    private static ObjectNode button(ArrayNode elements, Action a, String value, Words w) {
        ObjectNode button = elements.addObject().put("type", "button").put("action_id", a.id).put("value", value);
        button.putObject("text").put("type", "plain_text").put("text", w.get("button." + a.name()));
        return button;
    }

    /** The channel a click's block id names; empty when the block is not budgetbot's buttons. */
    public static Optional<String> channel(String blockId) {
        return blockId != null && blockId.startsWith(BLOCK_PREFIX) && blockId.length() > BLOCK_PREFIX.length()
                ? Optional.of(blockId.substring(BLOCK_PREFIX.length())) : Optional.empty();
    }

    /** What a button's value says it acts on; empty when it is not one of ours. */
    public static Optional<Target> target(String value) {
        try {
            JsonNode v = JSON.readTree(value);
            if (v == null || !v.path("rule").isTextual() || !v.path("group").isTextual()) {
                return Optional.empty();
            }
            List<Acknowledgement.Condition> conditions = new ArrayList<>();
            for (JsonNode c : v.path("conditions")) {
                conditions.add(new Acknowledgement.Condition(c.path("condition").asText(),
                        Instant.parse(c.path("period").asText()), new BigDecimal(c.path("level").asText())));
            }
            OptionalLong action = v.path("action").canConvertToLong() ? OptionalLong.of(v.get("action").asLong())
                    : OptionalLong.empty();
            return Optional.of(new Target(v.get("rule").asText(), v.get("group").asText(), conditions, action));
        } catch (JsonProcessingException | DateTimeException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * The blocks of a message after {@code userId} acknowledged it at {@code at}: its Acknowledge button gone, the
     * Snooze buttons kept, and who acknowledged it at the end.
     */
    public static String acknowledged(JsonNode blocks, String userId, Instant at, ZoneId zone, Words w) {
        return after(blocks, true, ":white_check_mark: " + w.get("button.acknowledged", mention(userId),
                time(at, at, zone, w)));
    }

    /**
     * The blocks of a message after {@code userId} snoozed it until {@code until} with silence {@code silence}: no
     * buttons, and who snoozed it until when at the end.
     */
    public static String snoozed(JsonNode blocks, String userId, long silence, Instant at, Instant until, ZoneId zone,
                                 Words w) {
        return after(blocks, false, ":zzz: " + w.get("button.snoozed", time(until, at, zone, w), mention(userId),
                silence));
    }

    /**
     * The blocks of a message asking to approve action {@code id} after {@code userId} clicked at {@code at}: no
     * buttons, and what came of it at the end, in the words of {@code key} ({@code button.approved},
     * {@code button.approveFailed}, {@code button.rejected}, {@code button.finished}) with {@code detail}.
     */
    public static String decided(JsonNode blocks, String key, String userId, long id, String detail, Instant at,
                                 ZoneId zone, Words w) {
        String icon = key.equals("button.approved") ? ":white_check_mark: " : ":no_entry_sign: ";
        return after(blocks, false, icon + w.get(key, mention(userId), time(at, at, zone, w), id,
                Mrkdwn.escape(detail)));
    }

    private static String after(JsonNode blocks, boolean keepSnooze, String note) {
        ArrayNode out = JSON.createArrayNode();
        for (JsonNode block : blocks) {
            if (channel(block.path("block_id").asText(null)).isEmpty()) {
                out.add(block.deepCopy());
            } else if (keepSnooze) {
                ObjectNode kept = block.deepCopy();
                ArrayNode elements = kept.putArray("elements");
                block.path("elements").forEach(e -> {
                    if (!Action.ACKNOWLEDGE.id.equals(e.path("action_id").asText())) {
                        elements.add(e.deepCopy());
                    }
                });
                out.add(kept);
            }
        }
        if (out.size() >= BlockKit.BLOCKS_MAX) {
            // a message at Slack's limit (its buttons kept) gives up its footer for the note
            out.remove(out.size() - 2);
        }
        ObjectNode context = out.addObject().put("type", "context");
        context.putArray("elements").addObject().put("type", "mrkdwn").put("text", note);
        return out.toString();
    }

    /** A Slack member ID as a mention; anything else (never from Slack) as escaped text. */
    private static String mention(String userId) {
        return userId.matches("[UW][A-Z0-9]{2,30}") ? "<@" + userId + ">" : Mrkdwn.escape(userId);
    }

    /** The time of day, with the day when it is not today's. */
    private static String time(Instant t, Instant now, ZoneId zone, Words w) {
        ZonedDateTime local = t.atZone(zone);
        boolean today = local.toLocalDate().equals(now.atZone(zone).toLocalDate());
        return today ? CLOCK_TIME.format(local) : w.dayAndTime(local);
    }
}

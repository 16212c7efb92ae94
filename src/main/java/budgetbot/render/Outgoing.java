package budgetbot.render;

import budgetbot.notify.Message;
import budgetbot.state.AlertEvent;
import budgetbot.state.Announcement;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One alert message to one channel: the events of one evaluation that share a message key, as the outbox merges
 * them, or a burst of more groups than the rule's {@code summarizeAbove} as one message.
 */
public record Outgoing(String channel, List<AlertEvent> events, boolean burst, KeyLabels labels, Words words) {
    public Outgoing {
        Objects.requireNonNull(channel, "channel");
        events = List.copyOf(events);
        Objects.requireNonNull(labels, "labels");
        Objects.requireNonNull(words, "words");
    }

    /**
     * The messages of one evaluation's announcements, in the order their first events were announced: what
     * {@code delivery.Outbox}'s announcer queues for them.
     */
    public static List<Outgoing> of(List<Announcement> announced, int summarizeAbove, KeyLabels labels,
                                    Words words) {
        Map<String, Map<List<String>, List<AlertEvent>>> byChannel = new LinkedHashMap<>();
        for (Announcement a : announced) {
            byChannel.computeIfAbsent(a.channel(), c -> new LinkedHashMap<>())
                    .computeIfAbsent(AlertFormatter.messageKey(a.event()), k -> new ArrayList<>()).add(a.event());
        }
        List<Outgoing> out = new ArrayList<>();
        byChannel.forEach((channel, messages) -> {
            if (messages.size() > summarizeAbove) {
                out.add(new Outgoing(channel, announced.stream().filter(a -> a.channel().equals(channel))
                        .map(Announcement::event).toList(), true, labels, words));
            } else {
                messages.values().forEach(events -> out.add(new Outgoing(channel, events, false, labels, words)));
            }
        });
        return out;
    }

    public Message message() {
        return burst ? AlertFormatter.burst(events, labels, words) : AlertFormatter.format(events, labels, words);
    }
}

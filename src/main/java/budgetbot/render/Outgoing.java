package budgetbot.render;

import budgetbot.notify.Message;
import budgetbot.state.AlertEvent;
import budgetbot.state.Announcement;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** One alert message to one channel: the events of one evaluation that share a message key, as the outbox merges them. */
public record Outgoing(String channel, List<AlertEvent> events) {
    public Outgoing {
        Objects.requireNonNull(channel, "channel");
        events = List.copyOf(events);
    }

    /** The messages of one evaluation's announcements, in the order their first events were announced. */
    public static List<Outgoing> of(List<Announcement> announced) {
        Map<List<Object>, List<AlertEvent>> messages = new LinkedHashMap<>();
        for (Announcement a : announced) {
            messages.computeIfAbsent(List.of(a.channel(), AlertFormatter.messageKey(a.event())),
                    k -> new ArrayList<>()).add(a.event());
        }
        List<Outgoing> out = new ArrayList<>();
        messages.forEach((to, events) -> out.add(new Outgoing((String) to.get(0), events)));
        return out;
    }

    public Message message() {
        return AlertFormatter.format(events);
    }
}

package budgetbot.state;

import java.util.Objects;

/** An alert event that was queued (or in a dry run would be queued) for one channel. */
public record Announcement(String channel, AlertEvent event) {
    public Announcement {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(event, "event");
    }
}

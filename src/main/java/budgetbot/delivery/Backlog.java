package budgetbot.delivery;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The undelivered notifications of one channel.
 *
 * @param oldest    when the oldest of them was queued
 * @param lastError the error of the latest failed attempt among them; empty when none has failed
 */
public record Backlog(String channel, int pending, Instant oldest, Optional<String> lastError) {
    public Backlog {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(oldest, "oldest");
        Objects.requireNonNull(lastError, "lastError");
    }
}

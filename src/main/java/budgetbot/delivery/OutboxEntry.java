package budgetbot.delivery;

import budgetbot.notify.Message;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A message waiting in the outbox for delivery to one channel.
 *
 * @param attempts delivery attempts started so far, counting the one a claim starts
 */
public record OutboxEntry(long id, String dedupKey, String channel, Message message, int attempts,
                          Instant createdAt, Instant nextAttempt, Optional<String> lastError) {
    public OutboxEntry {
        Objects.requireNonNull(dedupKey, "dedupKey");
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(message, "message");
        if (attempts < 0) {
            throw new IllegalArgumentException("attempts < 0: " + attempts);
        }
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(nextAttempt, "nextAttempt");
        Objects.requireNonNull(lastError, "lastError");
    }
}

package budgetbot.notify;

import java.time.Duration;
import java.util.Optional;

/** A send that failed. {@code retryable} is false for failures a retry cannot fix (a 404, a bad token). */
public class DeliveryException extends Exception {
    private final boolean retryable;
    private final Duration retryAfter;

    public DeliveryException(String message, boolean retryable, Duration retryAfter, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
        this.retryAfter = retryAfter;
    }

    public static DeliveryException retryable(String message, Throwable cause) {
        return new DeliveryException(message, true, null, cause);
    }

    public static DeliveryException permanent(String message, Throwable cause) {
        return new DeliveryException(message, false, null, cause);
    }

    public boolean retryable() {
        return retryable;
    }

    /** What the server asked for (Slack's Retry-After), if anything. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}

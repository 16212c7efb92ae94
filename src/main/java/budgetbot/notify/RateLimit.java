package budgetbot.notify;

import java.time.Duration;
import java.util.Objects;

/**
 * At most {@code messages} sends per {@code per} to one channel, as its platform documents it (Slack: about one a
 * second; DingTalk: 20 a minute). The sender keeps every limit of a channel; a transport only states them.
 */
public record RateLimit(int messages, Duration per) {
    public RateLimit {
        Objects.requireNonNull(per, "per");
        if (messages < 1 || per.isNegative() || per.isZero()) {
            throw new IllegalArgumentException("a rate limit allows at least one message in a positive time");
        }
    }

    public static RateLimit perSecond(int messages) {
        return new RateLimit(messages, Duration.ofSeconds(1));
    }

    public static RateLimit perMinute(int messages) {
        return new RateLimit(messages, Duration.ofMinutes(1));
    }
}

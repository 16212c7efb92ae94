package budgetbot.time;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How long to wait before the next attempt after {@code attempt} failed ones: exponential from {@code base}, capped
 * at {@code cap}, with full jitter — a random share of that ceiling — so that what failed together (every alert
 * queued during a Slack outage, parallel slices rate-limited by UCloud) comes back spread out instead of all at once.
 * A server's {@code Retry-After} is honoured: the wait is at least what it asked, up to {@code maxRetryAfter}.
 * The one retry policy of UCloud requests, outbox deliveries and digests.
 */
public record Backoff(Duration base, Duration cap, Duration maxRetryAfter) {
    /** UCloud requests: retried within one fetch, so in fractions of a second, never longer than ten seconds. */
    public static final Backoff UCLOUD = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(10),
            Duration.ofSeconds(10));
    /** Outbox deliveries: 30 s doubling up to 15 min; a channel may ask for up to an hour. */
    public static final Backoff DELIVERY = new Backoff(Duration.ofSeconds(30), Duration.ofMinutes(15),
            Duration.ofHours(1));
    /** A digest that could not be made: 1 min doubling up to 15 min while its period lasts. */
    public static final Backoff DIGEST = new Backoff(Duration.ofMinutes(1), Duration.ofMinutes(15), Duration.ZERO);

    public Backoff {
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(cap, "cap");
        Objects.requireNonNull(maxRetryAfter, "maxRetryAfter");
        if (base.isNegative() || base.isZero() || cap.compareTo(base) < 0 || maxRetryAfter.isNegative()) {
            // not "+ this": a compact constructor assigns the fields after its body, so they would all read null
            throw new IllegalArgumentException("need 0 < base <= cap and maxRetryAfter >= 0: base " + base + ", cap "
                    + cap + ", maxRetryAfter " + maxRetryAfter);
        }
    }

    /** The longest wait after failed attempt {@code attempt} (1-based): {@code base} doubled per attempt, capped. */
    public Duration ceiling(int attempt) {
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt < 1: " + attempt);
        }
        // base * 2^30 exceeds any cap worth having, and a smaller shift cannot overflow a Duration of millis
        Duration doubled = base.multipliedBy(1L << Math.min(attempt - 1, 30));
        return doubled.compareTo(cap) > 0 ? cap : doubled;
    }

    /** The wait after failed attempt {@code attempt}: {@code jitter}'s share of the ceiling, or the server's ask. */
    public Duration delay(int attempt, Optional<Duration> retryAfter, Jitter jitter) {
        double share = jitter.share();
        if (!(share >= 0 && share <= 1)) { // NaN too
            throw new IllegalArgumentException("a jitter share is within 0..1: " + share);
        }
        Duration jittered = Duration.ofMillis(Math.round(ceiling(attempt).toMillis() * share));
        Optional<Duration> asked = retryAfter.map(r -> r.compareTo(maxRetryAfter) > 0 ? maxRetryAfter : r);
        return asked.filter(a -> a.compareTo(jittered) > 0).orElse(jittered);
    }
}

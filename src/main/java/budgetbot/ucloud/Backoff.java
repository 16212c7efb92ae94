package budgetbot.ucloud;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * How long to wait before retry number {@code n}: exponential from {@code base}, capped, with jitter so parallel
 * slices do not retry in lockstep; a server's {@code Retry-After} wins (also capped).
 */
record Backoff(Duration base, Duration cap) {
    static final Backoff DEFAULT = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(10));

    Backoff {
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(cap, "cap");
        if (base.isNegative() || cap.compareTo(base) < 0) {
            throw new IllegalArgumentException("need 0 <= base <= cap: " + base + ", " + cap);
        }
    }

    /** The wait after failed attempt {@code attempt} (1-based): half fixed, half random ("equal jitter"). */
    Duration delay(int attempt, Optional<Duration> retryAfter, RandomGenerator random) {
        if (retryAfter.isPresent()) {
            return min(retryAfter.get(), cap);
        }
        long exponential = min(base.multipliedBy(1L << Math.min(attempt - 1, 30)), cap).toMillis();
        long half = exponential / 2;
        return Duration.ofMillis(half + (half == 0 ? 0 : random.nextLong(half + 1)));
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}

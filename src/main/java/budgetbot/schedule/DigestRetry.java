package budgetbot.schedule;

import java.time.Duration;
import java.util.Objects;

/**
 * How long a scheduled digest that could not be made waits before its next attempt: {@code first}, doubling per
 * attempt up to {@code max}. Attempts go on while the period in which it was due lasts; after that the digest of
 * the next period is due instead.
 */
record DigestRetry(Duration first, Duration max) {
    static final DigestRetry DEFAULT = new DigestRetry(Duration.ofMinutes(1), Duration.ofMinutes(15));

    DigestRetry {
        Objects.requireNonNull(first, "first");
        Objects.requireNonNull(max, "max");
        if (first.isNegative() || first.isZero() || max.compareTo(first) < 0) {
            throw new IllegalArgumentException("need 0 < first <= max: " + first + ", " + max);
        }
    }

    /** The wait after failed attempt {@code attempt} (1-based). */
    Duration delay(int attempt) {
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt < 1: " + attempt);
        }
        // first * 2^20 exceeds any sensible max, and a smaller shift cannot overflow
        Duration doubled = first.multipliedBy(1L << Math.min(attempt - 1, 20));
        return doubled.compareTo(max) > 0 ? max : doubled;
    }
}

package budgetbot.schedule;

import budgetbot.time.Backoff;
import budgetbot.time.Jitter;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How long a scheduled digest that could not be made waits before its next attempt: the shared {@link Backoff}
 * ({@link Backoff#DIGEST} in production, 1 min doubling up to 15 min, with jitter). Attempts go on while the period
 * in which it was due lasts; after that the digest of the next period is due instead.
 */
record DigestRetry(Backoff backoff, Jitter jitter) {
    static final DigestRetry DEFAULT = new DigestRetry(Backoff.DIGEST, Jitter.RANDOM);

    DigestRetry {
        Objects.requireNonNull(backoff, "backoff");
        Objects.requireNonNull(jitter, "jitter");
    }

    /** The wait after failed attempt {@code attempt} (1-based). */
    Duration delay(int attempt) {
        return backoff.delay(attempt, Optional.empty(), jitter);
    }
}

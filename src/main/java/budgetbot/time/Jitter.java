package budgetbot.time;

import java.util.concurrent.ThreadLocalRandom;

/** Where a {@link Backoff} takes the share of its ceiling to wait: at random, or fixed for a test. */
@FunctionalInterface
public interface Jitter {
    /** Uniformly random on every call, on whatever thread asks. */
    Jitter RANDOM = () -> ThreadLocalRandom.current().nextDouble();
    /** Always the whole ceiling: the longest wait, for tests that assert it. */
    Jitter NONE = () -> 1.0;

    /** A share of the ceiling, within 0..1. */
    double share();
}

package budgetbot.ucloud;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A counting limit on requests in flight that adapts to UCloud's rate limiting (AIMD): an overloaded answer
 * (RetCode 153, HTTP 429) halves the limit, rounding down, never below 1; every {@code limit} successes since the
 * last change add one, up to {@code max}. From 1 back to 16 takes 1 + 2 + ... + 15 = 120 successes.
 *
 * <p>Requests in flight together meet the same overload, so only one of them cuts the limit: a permit taken before
 * the last cut cannot cut again. A burst of sixteen 153s halves 16 to 8, not to 1.
 *
 * <p>The lock is fair, so waiters get in roughly in arrival order. Other failures (5xx, timeouts, rejected requests) neither grow nor shrink
 * the limit. Take a permit per HTTP attempt and release it before waiting out a retry backoff.
 */
final class AdaptiveLimit {
    /** How a request went, as far as the limit cares. */
    enum Outcome {
        /** An answer that was not a rate limit: counts towards growing the limit. */
        SUCCESS,
        /** RetCode 153 or HTTP 429: UCloud wants fewer requests at once. */
        OVERLOADED,
        /** Anything else (5xx, I/O error, a permanent failure, interrupted): says nothing about load. */
        IGNORED
    }

    /** One request's right to be in flight; release it exactly once. */
    static final class Permit {
        private final AdaptiveLimit owner;
        private final long epoch;
        private boolean released;

        private Permit(AdaptiveLimit owner, long epoch) {
            this.owner = owner;
            this.epoch = epoch;
        }
    }

    private static final Logger log = LoggerFactory.getLogger(AdaptiveLimit.class);

    private final int max;
    private final ReentrantLock lock = new ReentrantLock(true);
    private final Condition freed = lock.newCondition();
    private int limit;
    private int inFlight;
    private int waiting;
    private int successes;
    /** Counts the cuts; a permit remembers the epoch it was taken in. */
    private long epoch;

    /** A limit that starts at, and never grows beyond, {@code max}. */
    AdaptiveLimit(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("max < 1: " + max);
        }
        this.max = max;
        this.limit = max;
    }

    /** Waits until fewer than {@link #limit()} permits are out, then takes one. */
    Permit acquire() throws InterruptedException {
        lock.lockInterruptibly();
        try {
            waiting++;
            try {
                while (inFlight >= limit) {
                    freed.await();
                }
            } finally {
                waiting--;
            }
            inFlight++;
            return new Permit(this, epoch);
        } finally {
            lock.unlock();
        }
    }

    /** Gives {@code permit} back and adapts the limit to {@code outcome}. */
    void release(Permit permit, Outcome outcome) {
        lock.lock();
        try {
            if (permit.owner != this || permit.released) {
                throw new IllegalStateException("permit released twice or to another limit");
            }
            permit.released = true;
            inFlight--;
            switch (outcome) {
                case SUCCESS -> grow();
                case OVERLOADED -> cut(permit);
                case IGNORED -> {
                }
            }
            // one slot freed, maybe two by growing, none if cut below what is in flight: every waiter checks again
            freed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void grow() {
        if (limit < max && ++successes >= limit) {
            limit++;
            successes = 0;
            log.debug("UCloud keeps up: up to {} requests at once (max {})", limit, max);
        }
    }

    private void cut(Permit permit) {
        if (permit.epoch != epoch) {
            return;
        }
        epoch++;
        successes = 0;
        int before = limit;
        limit = Math.max(1, limit / 2);
        log.debug("UCloud is rate-limiting: up to {} requests at once, was {} (max {})", limit, before, max);
    }

    /** How many permits may be out at once now. */
    int limit() {
        lock.lock();
        try {
            return limit;
        } finally {
            lock.unlock();
        }
    }

    int max() {
        return max;
    }

    /** Permits out now. */
    int inFlight() {
        lock.lock();
        try {
            return inFlight;
        } finally {
            lock.unlock();
        }
    }

    /** Threads blocked in {@link #acquire()} now. */
    int waiting() {
        lock.lock();
        try {
            return waiting;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        lock.lock();
        try {
            return "AdaptiveLimit[" + inFlight + " in flight, limit " + limit + " of " + max + ", " + waiting
                    + " waiting]";
        } finally {
            lock.unlock();
        }
    }
}

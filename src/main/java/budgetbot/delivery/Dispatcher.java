package budgetbot.delivery;

import budgetbot.notify.DeliveryException;
import budgetbot.notify.Message;
import budgetbot.notify.Notifier;
import budgetbot.notify.RateLimit;
import budgetbot.time.Backoff;
import budgetbot.time.Jitter;
import budgetbot.time.Sleeper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Delivers the outbox: sends each due entry through its channel's notifier and records the outcome, retrying
 * failures later. An alert is never dropped: even a failure a retry cannot fix is kept and tried again hourly,
 * so that fixing the configuration delivers it.
 */
public final class Dispatcher {
    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);
    /** Long enough for a batch of slow sends; a crashed instance's entries are retried after it. */
    private static final Duration LEASE = Duration.ofMinutes(5);
    private static final int BATCH = 10;
    private static final Duration PERMANENT_FAILURE_RETRY = Duration.ofHours(1);
    /** Full jitter may draw a wait of nothing; a channel that just failed is not asked again within a second. */
    private static final Duration MIN_RETRY = Duration.ofSeconds(1);
    private static final Duration SHORT_PAUSE = Duration.ofSeconds(5);
    private static final int SHORT_RETRIES = 2;
    /**
     * A channel's next slot this close is waited for in the drain (Slack's one a second); a later one sends the
     * entry back to the outbox, due at the slot, so that one channel's limit does not hold up the others.
     */
    private static final Duration PACE_WAIT = Duration.ofSeconds(2);
    /**
     * A cluster instance's leases are released only when taken at least this long ago: an instance that started
     * after the list of live ones was read, or whose clock is a little behind, keeps its fresh leases.
     */
    private static final Duration CLUSTER_LEASE_GRACE = Duration.ofSeconds(10);

    private final Outbox outbox;
    private final Map<String, Notifier> notifiers;
    private final Clock clock;
    private final Sleeper sleeper;
    private final Jitter jitter;
    private final Lessee lessee;
    private final Pacer pacer;
    /** Whether a drain runs now, and whether another was asked for meanwhile. */
    private boolean draining;
    private boolean again;

    /** A dispatcher of a one-shot command. */
    public Dispatcher(Outbox outbox, Map<String, Notifier> notifiers, Clock clock) {
        this(outbox, notifiers, clock, Sleeper.REAL, Jitter.RANDOM);
    }

    /**
     * @param sleeper waits out a short {@code Retry-After}
     * @param jitter  spreads the retries of what failed together ({@link Backoff#DELIVERY})
     */
    public Dispatcher(Outbox outbox, Map<String, Notifier> notifiers, Clock clock, Sleeper sleeper, Jitter jitter) {
        this(outbox, notifiers, clock, sleeper, jitter, Lessee.command());
    }

    private Dispatcher(Outbox outbox, Map<String, Notifier> notifiers, Clock clock, Sleeper sleeper, Jitter jitter,
                       Lessee lessee) {
        this.outbox = Objects.requireNonNull(outbox, "outbox");
        this.notifiers = Map.copyOf(notifiers);
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.jitter = Objects.requireNonNull(jitter, "jitter");
        this.lessee = Objects.requireNonNull(lessee, "lessee");
        Map<String, List<RateLimit>> limits = new HashMap<>();
        this.notifiers.forEach((channel, notifier) -> limits.put(channel, notifier.rateLimits()));
        this.pacer = new Pacer(limits);
    }

    /** This dispatcher taking its leases as {@code lessee}: a scheduler instance's. */
    public Dispatcher leasingAs(Lessee lessee) {
        return new Dispatcher(outbox, notifiers, clock, sleeper, jitter, lessee);
    }

    /**
     * Frees the entries that other {@code run} schedulers leased, so that they go out with the next drain instead
     * of after the lease (5 minutes). Without a cluster only one {@code run} uses a database, so when one starts,
     * every other scheduler's lease belongs to a process that is gone. A command's lease ({@code check} running
     * now) is kept.
     *
     * @return how many entries were freed
     */
    public int releaseLeasesOfOtherRuns() {
        return outbox.releaseLeases(List.of(lessee), clock.instant().plus(LEASE));
    }

    /**
     * In a cluster: frees the entries leased by scheduler instances that are not {@code alive} (Quartz's list of
     * instances that check in), taken at least {@link #CLUSTER_LEASE_GRACE} ago.
     *
     * @return how many entries were freed
     */
    public int releaseLeasesOfInstancesNotIn(Set<String> alive) {
        List<Lessee> keep = new ArrayList<>(alive.stream().map(Lessee::scheduler).toList());
        keep.add(lessee);
        return outbox.releaseLeases(keep, clock.instant().minus(CLUSTER_LEASE_GRACE).plus(LEASE));
    }

    /**
     * Sends every entry due now; failed entries are rescheduled, never dropped. One drain runs at a time in a process
     * (every job of {@code run} asks for one after its work): a drain asked for while another runs returns at once,
     * and the running one looks again before it ends, so the process has one sender, each channel gets one message
     * at a time, and a crash can have at most one message on the wire.
     */
    public DrainResult drain() {
        synchronized (this) {
            if (draining) {
                again = true;
                return new DrainResult(0, 0, outbox.countPending());
            }
            draining = true;
        }
        int sent = 0;
        int failed = 0;
        try {
            boolean more = true;
            while (more) {
                DrainResult once = drainOnce();
                sent += once.sent();
                failed += once.failed();
                synchronized (this) {
                    more = again;
                    again = false;
                }
            }
        } finally {
            synchronized (this) {
                draining = false;
            }
        }
        return new DrainResult(sent, failed, outbox.countPending());
    }

    private DrainResult drainOnce() {
        // claiming what was due at the drain's start keeps a drain finite: every failure is rescheduled past it
        Instant start = clock.instant();
        if (!pacer.window().isZero()) {
            pacer.reset(outbox.sentSince(start.minus(pacer.window())));
        }
        int sent = 0;
        int failed = 0;
        Map<String, Deferred> deferred = new TreeMap<>();
        List<OutboxEntry> batch;
        while (!(batch = outbox.claimDue(start, clock.instant(), LEASE, BATCH, lessee)).isEmpty()) {
            for (int i = 0; i < batch.size(); i++) {
                OutboxEntry entry = batch.get(i);
                // the batch was leased before the sends ahead of this one: what is left is leased again from now
                Set<Long> held = outbox.renew(batch.subList(i, batch.size()).stream().map(OutboxEntry::id).toList(),
                        clock.instant().plus(LEASE), lessee);
                if (!held.contains(entry.id())) {
                    log.warn("outbox #{}: its lease ran out and another sender took it; not sent here", entry.id());
                    continue;
                }
                if (!awaitSlot(entry, deferred)) {
                    continue;
                }
                if (deliver(entry)) {
                    sent++;
                } else {
                    failed++;
                }
            }
        }
        deferred.forEach((channel, d) -> log.info("Channel {} is at its rate limit ({}): {} waiting until {} or later",
                channel, describe(notifiers.get(channel).rateLimits()), d.count() == 1 ? "1 message is" : d.count()
                        + " messages are", d.first()));
        return new DrainResult(sent, failed, 0);
    }

    /** A channel's entries sent back to the outbox in one drain because of its rate limit, for one log line. */
    private record Deferred(int count, Instant first) {
    }

    /**
     * Waits for the entry's channel to be within its rate limits, or hands the entry back to the outbox due when it
     * will be (returns false): the platform would refuse it, and DingTalk blocks a robot that exceeds its limit.
     */
    private boolean awaitSlot(OutboxEntry entry, Map<String, Deferred> deferred) {
        Instant now = clock.instant();
        Instant slot = pacer.nextSlot(entry.channel(), now);
        Duration wait = Duration.between(now, slot);
        if (wait.isZero() || wait.isNegative()) {
            return true;
        }
        if (wait.compareTo(PACE_WAIT) <= 0) {
            try {
                sleeper.sleep(wait);
                return true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (outbox.defer(entry.id(), slot, lessee)) {
            deferred.merge(entry.channel(), new Deferred(1, slot), (a, b) -> new Deferred(a.count() + 1, a.first()));
        }
        return false;
    }

    private static String describe(List<RateLimit> limits) {
        return limits.stream().map(l -> l.messages() + " per " + (l.per().toSeconds() % 60 == 0
                ? (l.per().toMinutes() == 1 ? "minute" : l.per().toMinutes() + " minutes")
                : (l.per().toSeconds() == 1 ? "second" : l.per().toSeconds() + " seconds")))
                .collect(Collectors.joining(", "));
    }

    /**
     * Sends every undelivered entry, also those waiting out a backoff: what a person running {@code check}
     * by hand expects after fixing a channel.
     */
    public DrainResult drainAll() {
        outbox.makeAllDue(clock.instant());
        return drain();
    }

    private boolean deliver(OutboxEntry entry) {
        Message m = entry.message();
        Notifier notifier = notifiers.get(entry.channel());
        if (notifier == null) {
            String error = "channel \"" + entry.channel() + "\" is not configured";
            Instant next = clock.instant().plus(PERMANENT_FAILURE_RETRY);
            outbox.markFailed(entry.id(), error, next, lessee);
            log.error("Cannot deliver {} \"{}\" (outbox #{}): {}; kept, next try at {}",
                    m.kind(), m.subject(), entry.id(), error, next);
            return false;
        }
        try {
            send(entry.channel(), notifier, m);
        } catch (DeliveryException e) {
            Instant next = clock.instant().plus(e.retryable()
                    ? retryDelay(entry.attempts(), e.retryAfter())
                    : PERMANENT_FAILURE_RETRY);
            outbox.markFailed(entry.id(), e.getMessage(), next, lessee);
            if (e.retryable()) {
                log.warn("Delivery of {} \"{}\" to channel {} failed (outbox #{}, attempt {}): {}; retrying at {}",
                        m.kind(), m.subject(), entry.channel(), entry.id(), entry.attempts(), e.getMessage(), next);
            } else {
                log.error("Delivery of {} \"{}\" to channel {} failed and a retry will not fix it (outbox #{}): {}; "
                        + "kept, next try at {}", m.kind(), m.subject(), entry.channel(), entry.id(), e.getMessage(), next);
            }
            return false;
        } catch (RuntimeException e) {
            // a notifier bug must not stop the drain nor park the entry until its lease runs out
            Instant next = clock.instant().plus(retryDelay(entry.attempts(), Optional.empty()));
            outbox.markFailed(entry.id(), e.toString(), next, lessee);
            log.error("Delivery of {} \"{}\" to channel {} failed unexpectedly (outbox #{}); retrying at {}",
                    m.kind(), m.subject(), entry.channel(), entry.id(), next, e);
            return false;
        }
        if (!outbox.markSent(entry.id(), clock.instant(), lessee)) {
            log.warn("outbox #{} was sent, but its lease had passed to another sender, which may send it again",
                    entry.id());
        }
        log.info("Sent {} \"{}\" to channel {} (outbox #{}, attempt {})",
                m.kind(), m.subject(), entry.channel(), entry.id(), entry.attempts());
        return true;
    }

    /**
     * Sends, and when the server asks for a short pause (Slack's 429 with {@code Retry-After: 1}) waits it out
     * right here a couple of times: a rate limit of a second should not delay an alert by the outbox's backoff.
     */
    private void send(String channel, Notifier notifier, Message m) throws DeliveryException {
        for (int attempt = 1; ; attempt++) {
            pacer.record(channel, clock.instant());
            try {
                notifier.send(m);
                return;
            } catch (DeliveryException e) {
                Optional<Duration> pause = e.retryAfter().filter(d -> e.retryable() && d.compareTo(SHORT_PAUSE) <= 0);
                if (pause.isEmpty() || attempt > SHORT_RETRIES) {
                    throw e;
                }
                try {
                    sleeper.sleep(pause.get());
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private Duration retryDelay(int attempts, Optional<Duration> retryAfter) {
        Duration delay = Backoff.DELIVERY.delay(attempts, retryAfter, jitter);
        return delay.compareTo(MIN_RETRY) < 0 ? MIN_RETRY : delay;
    }
}

package budgetbot.delivery;

import budgetbot.notify.DeliveryException;
import budgetbot.notify.Message;
import budgetbot.notify.Notifier;
import budgetbot.notify.RateLimit;
import budgetbot.state.Fixtures;
import budgetbot.state.StateStore;
import budgetbot.testing.CapturedLogs;
import budgetbot.testing.MutableClock;
import budgetbot.testing.TestDb;
import budgetbot.time.Jitter;
import budgetbot.time.Sleeper;
import ch.qos.logback.classic.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static budgetbot.state.Fixtures.DAY1;
import static budgetbot.state.Fixtures.message;
import static org.assertj.core.api.Assertions.assertThat;

class DispatcherTest {
    /** Failed deliveries are logged as warnings and errors: asserted where it matters, never printed. */
    @RegisterExtension
    final CapturedLogs logs = CapturedLogs.atLevel(Level.INFO);

    private static final Instant T0 = DAY1.plus(Duration.ofHours(9));

    @TempDir
    Path tmp;

    private final MutableClock clock = new MutableClock(T0);

    /**
     * A backlog whose sending takes twice the 5-minute lease (each send a minute on a moving clock), while
     * another sender claims whatever it can before every send: the drain renews the leases of what it has yet to
     * send, so the other sender takes only what the drain had not claimed, and every message goes out once.
     */
    @Test
    void aDrainLongerThanItsLeaseSendsEveryMessageOnceWhileAnotherSenderLooks() throws Exception {
        try (TestDb db = TestDb.create(TestDb.Kind.H2, tmp); StateStore store = StateStore.open(db.config())) {
            Outbox outbox = new Outbox(store);
            for (int i = 0; i < 20; i++) {
                outbox.enqueue("k" + i, "ops", message("alert " + i), T0);
            }
            List<String> sent = new ArrayList<>();
            Lessee other = Lessee.scheduler("other");
            Notifier slow = m -> {
                for (OutboxEntry taken : outbox.claimDue(clock.instant(), Duration.ofMinutes(5), 10, other)) {
                    sent.add(taken.message().subject());
                    outbox.markSent(taken.id(), clock.instant(), other);
                }
                sent.add(m.subject());
                clock.advance(Duration.ofMinutes(1));
            };

            DrainResult drained = unjittered(outbox, Map.of("ops", slow)).drain();

            assertThat(clock.instant()).as("longer than the lease").isAfter(T0.plus(Duration.ofMinutes(5)));
            assertThat(drained.sent()).as("the drain's first batch, whatever the time it took").isEqualTo(10);
            assertThat(sent).hasSize(20).doesNotHaveDuplicates();
            assertThat(outbox.pending()).isEmpty();
        }
    }

    /** Jobs of one process ask for drains at once: one sends, the others leave it to that one. */
    @Test
    void aDrainAskedForWhileOneRunsIsLeftToTheRunningOne() throws Exception {
        try (TestDb db = TestDb.create(TestDb.Kind.H2, tmp); StateStore store = StateStore.open(db.config())) {
            Outbox outbox = new Outbox(store);
            outbox.enqueue("first", "ops", message("first"), T0);
            CountDownLatch sending = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            List<String> sent = new CopyOnWriteArrayList<>();
            Notifier held = m -> {
                sending.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                sent.add(m.subject());
            };
            Dispatcher dispatcher = unjittered(outbox, Map.of("ops", held));
            CompletableFuture<DrainResult> running = CompletableFuture.supplyAsync(dispatcher::drain);
            assertThat(sending.await(30, TimeUnit.SECONDS)).isTrue();

            outbox.enqueue("second", "ops", message("second"), T0);
            assertThat(dispatcher.drain()).as("returns at once, sending nothing itself")
                    .isEqualTo(new DrainResult(0, 0, 2));
            release.countDown();

            assertThat(running.get(30, TimeUnit.SECONDS)).as("the running drain looked again")
                    .isEqualTo(new DrainResult(2, 0, 0));
            assertThat(sent).containsExactly("first", "second");
        }
    }

    /** Twenty alerts that failed together (Slack down) are retried spread over the first backoff, not all at once. */
    @Test
    void retriesOfWhatFailedTogetherAreSpreadOverTheBackoff() throws Exception {
        ScriptedNotifier ops = new ScriptedNotifier();
        for (int i = 0; i < 20; i++) {
            ops.failWith(DeliveryException.retryable("HTTP 503", null));
        }
        try (TestDb db = TestDb.create(TestDb.Kind.H2, tmp); StateStore store = StateStore.open(db.config())) {
            Outbox outbox = new Outbox(store);
            for (int i = 0; i < 20; i++) {
                outbox.enqueue("k" + i, "ops", message("budget " + i), T0);
            }
            // seeded, so that the spread is the same on every run
            Dispatcher dispatcher = new Dispatcher(outbox, Map.of("ops", ops), clock, Sleeper.REAL,
                    new Random(17)::nextDouble);

            assertThat(dispatcher.drain().failed()).isEqualTo(20);

            List<Instant> next = outbox.pending().stream().map(OutboxEntry::nextAttempt).toList();
            assertThat(next).hasSize(20).allSatisfy(t -> assertThat(t).isBetween(T0, T0.plusSeconds(30)));
            assertThat(next.stream().distinct().count()).as("next attempts, spread by the jitter").isGreaterThan(10);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDb.Kind.class)
    void retryableFailuresAreRetriedWithBackoffAndDeliveredOnce(TestDb.Kind kind) throws Exception {
        ScriptedNotifier ops = new ScriptedNotifier()
                .failWith(DeliveryException.retryable("HTTP 503", null))
                .failWith(new DeliveryException("HTTP 429", true, Duration.ofMinutes(5), null));
        try (TestDb db = TestDb.create(kind, tmp); StateStore store = StateStore.open(db.config())) {
            new Outbox(store).enqueue("k", "ops", message("budget"), T0);
            Dispatcher dispatcher = unjittered(new Outbox(store), Map.of("ops", ops));

            assertThat(dispatcher.drain()).isEqualTo(new DrainResult(0, 1, 1));
            clock.advance(Duration.ofSeconds(29));
            assertThat(dispatcher.drain()).as("backoff of 30 s").isEqualTo(new DrainResult(0, 0, 1));
            clock.advance(Duration.ofSeconds(1));
            assertThat(dispatcher.drain()).isEqualTo(new DrainResult(0, 1, 1));
            clock.advance(Duration.ofSeconds(299));
            assertThat(dispatcher.drain()).as("Retry-After 5 min beats the 60 s backoff")
                    .isEqualTo(new DrainResult(0, 0, 1));
            assertThat(new Outbox(store).pending()).extracting(OutboxEntry::attempts).containsExactly(2);
            clock.advance(Duration.ofSeconds(1));
            assertThat(dispatcher.drain()).isEqualTo(new DrainResult(1, 0, 0));
            clock.advance(Duration.ofHours(2));
            assertThat(dispatcher.drain()).isEqualTo(new DrainResult(0, 0, 0));

            assertThat(ops.deliveredSubjects()).containsExactly("budget");
            assertThat(Fixtures.sent(new Outbox(store), "k")).isTrue();
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDb.Kind.class)
    void aShortRetryAfterIsWaitedOutOnTheSpotThroughTheSleeper(TestDb.Kind kind) throws Exception {
        ScriptedNotifier ops = new ScriptedNotifier()
                .failWith(new DeliveryException("HTTP 429", true, Duration.ofSeconds(1), null))
                .failWith(new DeliveryException("HTTP 429", true, Duration.ofSeconds(2), null))
                .failWith(new DeliveryException("HTTP 429", true, Duration.ofSeconds(6), null));
        List<Duration> slept = new ArrayList<>();
        try (TestDb db = TestDb.create(kind, tmp); StateStore store = StateStore.open(db.config())) {
            Outbox outbox = new Outbox(store);
            outbox.enqueue("k", "ops", message("budget"), T0);
            Dispatcher dispatcher = new Dispatcher(outbox, Map.of("ops", ops), clock, slept::add, Jitter.NONE);

            assertThat(dispatcher.drain()).as("6 s is too long to wait in place").isEqualTo(new DrainResult(0, 1, 1));
            assertThat(slept).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2));
            assertThat(outbox.pending()).singleElement().satisfies(e -> assertThat(e.nextAttempt())
                    .as("then the server's 6 s beat nothing: the 30 s backoff").isEqualTo(T0.plusSeconds(30)));

            clock.advance(Duration.ofSeconds(30));
            assertThat(dispatcher.drain()).isEqualTo(new DrainResult(1, 0, 0));
            assertThat(slept).hasSize(2);
            assertThat(ops.deliveredSubjects()).containsExactly("budget");
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDb.Kind.class)
    void failedSendIsDeliveredOnceAfterARestart(TestDb.Kind kind) throws Exception {
        ScriptedNotifier ops = new ScriptedNotifier().failWith(DeliveryException.retryable("connection reset", null));
        try (TestDb db = TestDb.create(kind, tmp)) {
            try (StateStore store = StateStore.open(db.config())) {
                new Outbox(store).enqueue("k", "ops", message("budget"), T0);
                assertThat(unjittered(new Outbox(store), Map.of("ops", ops)).drain())
                        .isEqualTo(new DrainResult(0, 1, 1));
            }
            clock.advance(Duration.ofSeconds(30));
            try (StateStore store = StateStore.open(db.config())) {
                Dispatcher restarted = unjittered(new Outbox(store), Map.of("ops", ops));
                assertThat(restarted.drain()).isEqualTo(new DrainResult(1, 0, 0));
                clock.advance(Duration.ofHours(1));
                assertThat(restarted.drain()).isEqualTo(new DrainResult(0, 0, 0));
            }
            assertThat(ops.deliveredSubjects()).containsExactly("budget");
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDb.Kind.class)
    void permanentFailureIsKeptLoggedAndRetriedHourly(TestDb.Kind kind) throws Exception {
        ScriptedNotifier ops = new ScriptedNotifier().failWith(DeliveryException.permanent("channel_not_found", null));
        try (TestDb db = TestDb.create(kind, tmp); StateStore store = StateStore.open(db.config())) {
            new Outbox(store).enqueue("k", "ops", message("budget"), T0);
            Dispatcher dispatcher = unjittered(new Outbox(store), Map.of("ops", ops));

            assertThat(dispatcher.drain()).isEqualTo(new DrainResult(0, 1, 1));
            assertThat(new Outbox(store).pending()).singleElement().satisfies(e -> {
                assertThat(e.nextAttempt()).isEqualTo(T0.plus(Duration.ofHours(1)));
                assertThat(e.lastError()).contains("channel_not_found");
            });
            assertThat(logs.messages(Level.ERROR, Dispatcher.class)).singleElement().asString()
                    .contains("channel ops", "channel_not_found");

            clock.advance(Duration.ofMinutes(59));
            assertThat(dispatcher.drain()).isEqualTo(new DrainResult(0, 0, 1));
            clock.advance(Duration.ofMinutes(1));
            assertThat(dispatcher.drain()).as("fixed meanwhile").isEqualTo(new DrainResult(1, 0, 0));
            assertThat(ops.deliveredSubjects()).containsExactly("budget");
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDb.Kind.class)
    void entryForAnUnconfiguredChannelStaysPendingAndSaysWhy(TestDb.Kind kind) throws Exception {
        ScriptedNotifier ops = new ScriptedNotifier();
        try (TestDb db = TestDb.create(kind, tmp); StateStore store = StateStore.open(db.config())) {
            new Outbox(store).enqueue("k1", "removed", message("orphan"), T0);
            new Outbox(store).enqueue("k2", "ops", message("budget"), T0);

            assertThat(unjittered(new Outbox(store), Map.of("ops", ops)).drain()).isEqualTo(new DrainResult(1, 1, 1));
            assertThat(new Outbox(store).pending()).singleElement().satisfies(e -> {
                assertThat(e.channel()).isEqualTo("removed");
                assertThat(e.lastError()).hasValueSatisfying(err -> assertThat(err).contains("\"removed\"", "not configured"));
            });
            assertThat(ops.deliveredSubjects()).containsExactly("budget");
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDb.Kind.class)
    void notifierBugDoesNotStopTheDrain(TestDb.Kind kind) throws Exception {
        ScriptedNotifier ops = new ScriptedNotifier().crashWith(new IllegalStateException("bug"));
        try (TestDb db = TestDb.create(kind, tmp); StateStore store = StateStore.open(db.config())) {
            new Outbox(store).enqueue("k1", "ops", message("first"), T0);
            new Outbox(store).enqueue("k2", "ops", message("second"), T0);
            Dispatcher dispatcher = unjittered(new Outbox(store), Map.of("ops", ops));

            assertThat(dispatcher.drain()).isEqualTo(new DrainResult(1, 1, 1));
            clock.advance(Duration.ofSeconds(30));
            assertThat(dispatcher.drain()).isEqualTo(new DrainResult(1, 0, 0));
            assertThat(ops.deliveredSubjects()).containsExactly("second", "first");
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDb.Kind.class)
    void twoDispatchersDeliverEachEntryOnce(TestDb.Kind kind) throws Exception {
        ScriptedNotifier ops = new ScriptedNotifier();
        try (TestDb db = TestDb.create(kind, tmp); StateStore a = StateStore.open(db.config());
             StateStore b = StateStore.open(db.config())) {
            List<String> subjects = IntStream.range(0, 60).mapToObj(i -> "m" + i).toList();
            for (String s : subjects) {
                new Outbox(a).enqueue(s, "ops", message(s), T0);
            }
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                CyclicBarrier start = new CyclicBarrier(2);
                List<Future<DrainResult>> drains = new ArrayList<>();
                for (StateStore store : List.of(a, b)) {
                    Dispatcher dispatcher = unjittered(new Outbox(store), Map.of("ops", ops));
                    drains.add(pool.submit((Callable<DrainResult>) () -> {
                        start.await();
                        return dispatcher.drain();
                    }));
                }
                assertThat(drains.get(0).get().sent() + drains.get(1).get().sent()).isEqualTo(60);
            } finally {
                pool.shutdownNow();
            }
            assertThat(ops.deliveredSubjects()).containsExactlyInAnyOrderElementsOf(subjects);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDb.Kind.class)
    void aRestartedRunSendsWhatADeadRunHadLeasedAtOnceButLeavesACheckItsLease(TestDb.Kind kind) throws Exception {
        ScriptedNotifier ops = new ScriptedNotifier();
        try (TestDb db = TestDb.create(kind, tmp); StateStore store = StateStore.open(db.config())) {
            Outbox outbox = new Outbox(store);
            outbox.enqueue("k1", "ops", message("leased by the dead run"), T0);
            outbox.enqueue("k2", "ops", message("leased by a check"), T0);
            outbox.claimDue(T0, Duration.ofMinutes(5), 1, Lessee.scheduler("host-dead"));
            outbox.claimDue(T0, Duration.ofMinutes(5), 1, Lessee.command());
            clock.advance(Duration.ofSeconds(3));
            Dispatcher restarted = unjittered(outbox, Map.of("ops", ops))
                    .leasingAs(Lessee.scheduler("host-new"));

            assertThat(restarted.releaseLeasesOfOtherRuns()).isEqualTo(1);
            assertThat(restarted.drain()).isEqualTo(new DrainResult(1, 0, 1));
            assertThat(ops.deliveredSubjects()).containsExactly("leased by the dead run");
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDb.Kind.class)
    void aClusterTakesOverTheLeasesOfAnInstanceThatIsGoneAfterAGrace(TestDb.Kind kind) throws Exception {
        ScriptedNotifier ops = new ScriptedNotifier();
        try (TestDb db = TestDb.create(kind, tmp); StateStore store = StateStore.open(db.config())) {
            Outbox outbox = new Outbox(store);
            outbox.enqueue("k1", "ops", message("leased by a gone instance"), T0);
            outbox.enqueue("k2", "ops", message("leased by a live instance"), T0);
            outbox.claimDue(T0, Duration.ofMinutes(5), 1, Lessee.scheduler("gone"));
            outbox.claimDue(T0, Duration.ofMinutes(5), 1, Lessee.scheduler("alive"));
            Dispatcher me = unjittered(outbox, Map.of("ops", ops)).leasingAs(Lessee.scheduler("me"));

            clock.advance(Duration.ofSeconds(9));
            assertThat(me.releaseLeasesOfInstancesNotIn(Set.of("alive", "me")))
                    .as("a lease taken moments ago may be an instance's that is not listed yet").isZero();
            clock.advance(Duration.ofSeconds(1));
            assertThat(me.releaseLeasesOfInstancesNotIn(Set.of("alive", "me"))).isEqualTo(1);
            assertThat(me.drain()).isEqualTo(new DrainResult(1, 0, 1));
            assertThat(ops.deliveredSubjects()).containsExactly("leased by a gone instance");
        }
    }

    /**
     * A robot that takes 20 messages a minute and refuses (permanently, as DingTalk blocks it) the 21st: a burst
     * of 50 is spread over minutes by drains every 15 s, across a restart of the sender, and every message
     * arrives once without a refusal.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDb.Kind.class)
    void aBurstOverAChannelsRateLimitIsSpreadOverMinutesAndNeverRefused(TestDb.Kind kind) throws Exception {
        List<Instant> received = new ArrayList<>();
        List<String> subjects = new ArrayList<>();
        Notifier robot = new Notifier() {
            @Override
            public void send(Message m) throws DeliveryException {
                Instant now = clock.instant();
                if (received.stream().filter(t -> t.isAfter(now.minus(Duration.ofMinutes(1)))).count() >= 20) {
                    throw DeliveryException.permanent("130101 send too fast", null);
                }
                received.add(now);
                subjects.add(m.subject());
                clock.advance(Duration.ofMillis(300));
            }

            @Override
            public List<RateLimit> rateLimits() {
                return List.of(RateLimit.perMinute(20));
            }
        };
        try (TestDb db = TestDb.create(kind, tmp); StateStore store = StateStore.open(db.config())) {
            Outbox outbox = new Outbox(store);
            for (int i = 0; i < 50; i++) {
                outbox.enqueue("k" + i, "ding", message("alert " + i), T0);
            }
            Dispatcher first = unjittered(outbox, Map.of("ding", robot));
            assertThat(first.drain()).isEqualTo(new DrainResult(20, 0, 30));
            assertThat(logs.messages(Level.INFO, Dispatcher.class)).last().asString()
                    .contains("Channel ding is at its rate limit (20 per minute): 30 messages are waiting until");
            assertThat(outbox.pending()).as("a deferral is not an attempt").extracting(OutboxEntry::attempts)
                    .containsOnly(0);

            // a restart: the new sender counts what the database says was sent within the minute
            Dispatcher restarted = unjittered(outbox, Map.of("ding", robot));
            for (int drains = 0; drains < 20 && !outbox.pending().isEmpty(); drains++) {
                clock.advance(Duration.ofSeconds(15));
                restarted.drain();
            }

            assertThat(subjects).hasSize(50).doesNotHaveDuplicates();
            assertThat(outbox.pending()).isEmpty();
            assertThat(received.get(49)).as("spread over minutes").isAfter(T0.plus(Duration.ofMinutes(2)));
        }
    }

    /** Slack's one message a second: the drain waits out the short gap through the sleeper instead of deferring. */
    @Test
    void aChannelsNextSlotWithinASecondOrTwoIsWaitedForInTheDrain() throws Exception {
        List<Instant> received = new ArrayList<>();
        Notifier slack = new Notifier() {
            @Override
            public void send(Message m) {
                received.add(clock.instant());
            }

            @Override
            public List<RateLimit> rateLimits() {
                return List.of(RateLimit.perSecond(1));
            }
        };
        List<Duration> slept = new ArrayList<>();
        Sleeper sleeper = d -> {
            slept.add(d);
            clock.advance(d);
        };
        try (TestDb db = TestDb.create(TestDb.Kind.H2, tmp); StateStore store = StateStore.open(db.config())) {
            Outbox outbox = new Outbox(store);
            for (int i = 0; i < 3; i++) {
                outbox.enqueue("k" + i, "team", message("alert " + i), T0);
            }

            assertThat(new Dispatcher(outbox, Map.of("team", slack), clock, sleeper, Jitter.NONE).drain())
                    .isEqualTo(new DrainResult(3, 0, 0));

            assertThat(slept).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(1));
            assertThat(received).containsExactly(T0, T0.plusSeconds(1), T0.plusSeconds(2));
        }
    }

    /** A dispatcher whose retries wait the whole backoff, so that the test knows when they come. */
    private Dispatcher unjittered(Outbox outbox, Map<String, ? extends Notifier> notifiers) {
        return new Dispatcher(outbox, Map.copyOf(notifiers), clock, Sleeper.REAL, Jitter.NONE);
    }
}

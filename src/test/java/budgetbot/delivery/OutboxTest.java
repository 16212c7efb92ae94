package budgetbot.delivery;

import budgetbot.config.RuleConfig;
import budgetbot.notify.Message;
import budgetbot.rules.Finding;
import budgetbot.rules.Kind;
import budgetbot.state.AlertEvent;
import budgetbot.state.AlertStatus;
import budgetbot.state.Announcement;
import budgetbot.state.Announcer;
import budgetbot.state.Fixtures;
import budgetbot.state.StateStore;
import budgetbot.testing.Events;
import budgetbot.testing.TestDb;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static budgetbot.state.Fixtures.DAY1;
import static budgetbot.state.Fixtures.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

class OutboxTest {
    private static final Duration LEASE = Duration.ofMinutes(5);
    private static final Lessee ME = Lessee.command();

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDb.Kind.class)
    void enqueueIgnoresAKeyItHasSeen(TestDb.Kind kind) throws Exception {
        try (TestDb db = TestDb.create(kind, tmp); StateStore store = StateStore.open(db.config())) {
            String key = "digest|weekly|" + DAY1 + "|ops";
            assertThat(new Outbox(store).enqueue(key, "ops", message("first"), DAY1)).isTrue();
            assertThat(new Outbox(store).enqueue(key, "ops", message("second"), DAY1.plusSeconds(1))).isFalse();
            assertThat(new Outbox(store).pending()).extracting(e -> e.message().subject()).containsExactly("first");
            assertThat(Fixtures.sent(new Outbox(store), key)).isFalse();

            OutboxEntry entry = new Outbox(store).claimDue(DAY1, LEASE, 10, ME).get(0);
            new Outbox(store).markSent(entry.id(), DAY1.plusSeconds(2), ME);
            assertThat(Fixtures.sent(new Outbox(store), key)).isTrue();
            assertThat(new Outbox(store).enqueue(key, "ops", message("third"), DAY1.plusSeconds(3)))
                    .as("a sent key still counts").isFalse();
            assertThat(new Outbox(store).pending()).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDb.Kind.class)
    void eventsOfOneRuleAndGroupDueTogetherAreOneMessagePerChannel(TestDb.Kind kind) throws Exception {
        RuleConfig rule = Fixtures.rule(Optional.empty(), "ops", "mail");
        List<Finding> findings = List.of(Fixtures.budget(DAY1, "0.8"), Fixtures.finding(Kind.FORECAST, DAY1, true, "1"),
                Fixtures.finding(Kind.GROWTH, DAY1, true, "1"));
        try (TestDb db = TestDb.create(kind, tmp); StateStore store = StateStore.open(db.config())) {
            List<Announcement> announced = store.apply(rule, findings, DAY1,
                    new Outbox(store).announcer(Fixtures::render, Fixtures::messageKey, Fixtures::render, Integer.MAX_VALUE, DAY1), "CNY", ZoneOffset.UTC, false);

            assertThat(announced).hasSize(6);
            String all = "FIRING budget[0]:tokens/day 0.8 + FIRING budget[0]:tokens/day:forecast 1"
                    + " + FIRING growth[0]:tokens/day 1";
            assertThat(new Outbox(store).pending()).extracting(OutboxEntry::channel, e -> e.message().subject())
                    .containsExactly(tuple("ops", all), tuple("mail", all));
            assertThat(store.alertEvents(List.of("team"), Fixtures.day(DAY1))).hasSize(6);
        }
    }

    /**
     * Five groups announced by one evaluation to a rule that summarizes above three: the first three are queued as
     * messages of their own until the fourth arrives, then all become one message, which the fifth joins; every
     * event keeps its dedup key. A second channel gets its own summary.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDb.Kind.class)
    void aBurstOfMoreGroupsThanSummarizeAboveIsOneMessagePerChannel(TestDb.Kind kind) throws Exception {
        List<AlertEvent> events = IntStream.rangeClosed(1, 5).mapToObj(i -> {
            Finding f = Fixtures.budget(DAY1, "0.8");
            return Events.event(new Finding(f.rule(), f.kind(), f.condition(), "key-" + i, f.metric(), f.period(),
                    f.window(), f.active(), f.level(), f.used(), f.limit(), f.baseline(), f.increase(), f.forecast(),
                    f.contributors(), List.of("key-" + i), f.models()), AlertStatus.FIRING, "CNY", ZoneOffset.UTC);
        }).toList();
        Function<List<AlertEvent>, Message> summary = all -> message("burst of " + all.stream()
                .map(e -> e.finding().group()).collect(Collectors.joining(",")));
        try (TestDb db = TestDb.create(kind, tmp); StateStore store = StateStore.open(db.config())) {
            Announcer<AlertEvent> announcer = new Outbox(store).announcer(Fixtures::render, Fixtures::messageKey,
                    summary, 3, DAY1);
            store.inTransaction("announce", c -> {
                for (AlertEvent e : events) {
                    for (String channel : List.of("ops", "mail")) {
                        assertThat(announcer.queue(c, e.finding().group() + "@" + channel, channel, e)).isTrue();
                    }
                }
                return null;
            });

            assertThat(new Outbox(store).pending()).extracting(OutboxEntry::channel, e -> e.message().subject())
                    .containsExactly(tuple("ops", "burst of key-1,key-2,key-3,key-4,key-5"),
                            tuple("mail", "burst of key-1,key-2,key-3,key-4,key-5"));
            assertThat(IntStream.rangeClosed(1, 5).mapToObj(i -> "key-" + i + "@ops"))
                    .allMatch(key -> new Outbox(store).isQueued(key));
            try (Connection c = store.dataSource().getConnection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM outbox_message")) {
                rs.next();
                assertThat(rs.getInt(1)).as("the merged messages are gone").isEqualTo(2);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDb.Kind.class)
    void anotherInstanceQueuesNoneOfTheEventsAMessageHolds(TestDb.Kind kind) throws Exception {
        AlertEvent budget = Events.event(Fixtures.budget(DAY1, "0.8"), AlertStatus.FIRING, "CNY", ZoneOffset.UTC);
        AlertEvent forecast = Events.event(Fixtures.finding(Kind.FORECAST, DAY1, true, "1"), AlertStatus.FIRING,
                "CNY", ZoneOffset.UTC);
        try (TestDb db = TestDb.create(kind, tmp); StateStore store = StateStore.open(db.config())) {
            for (int instance = 0; instance < 2; instance++) {
                Announcer announcer = new Outbox(store).announcer(Fixtures::render, Fixtures::messageKey, Fixtures::render, Integer.MAX_VALUE, DAY1);
                List<Boolean> queued = store.inTransaction("announce", c -> List.of(
                        announcer.queue(c, "k-budget", "ops", budget), announcer.queue(c, "k-forecast", "ops", forecast)));
                assertThat(queued).as("instance %d", instance).containsOnly(instance == 0);
            }

            assertThat(new Outbox(store).pending()).singleElement().satisfies(e -> {
                assertThat(e.dedupKey()).isEqualTo("k-budget");
                assertThat(e.message().subject()).isEqualTo("FIRING budget[0]:tokens/day 0.8"
                        + " + FIRING budget[0]:tokens/day:forecast 1");
            });
            assertThat(new Outbox(store).isQueued("k-forecast")).isTrue();
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDb.Kind.class)
    void messageRoundTripsWithItsImage(TestDb.Kind kind) throws Exception {
        Message sent = message("subject with \"quotes\" and ü");
        try (TestDb db = TestDb.create(kind, tmp); StateStore store = StateStore.open(db.config())) {
            new Outbox(store).enqueue("k", "mail", sent, DAY1);
            OutboxEntry entry = new Outbox(store).pending().get(0);
            assertThat(entry.message()).usingRecursiveComparison().isEqualTo(sent);
            assertThat(entry.message().images().get(0).png()).containsExactly(sent.images().get(0).png());
            assertThat(entry.createdAt()).isEqualTo(DAY1);
            assertThat(entry.nextAttempt()).isEqualTo(DAY1);
            assertThat(entry.attempts()).isZero();
            assertThat(entry.lastError()).isEmpty();
        }
    }

    @Test
    void aMessageQueuedByAnotherReleaseWithFieldsThisOneLacksIsStillSent() throws Exception {
        Message sent = message("queued before an upgrade");
        try (TestDb db = TestDb.create(TestDb.Kind.H2, tmp); StateStore store = StateStore.open(db.config())) {
            new Outbox(store).enqueue("k", "mail", sent, DAY1);
            try (Connection c = store.dataSource().getConnection(); Statement s = c.createStatement()) {
                // pendingAction was a field until the Slack approval buttons replaced it; a later release may add more
                assertThat(s.executeUpdate("UPDATE outbox SET message = REPLACE(message, '\"slackActions\":',"
                        + " '\"pendingAction\":7,\"fromALaterRelease\":{\"x\":[1]},\"slackActions\":')"))
                        .isEqualTo(1);
            }
            assertThat(new Outbox(store).pending().get(0).message()).usingRecursiveComparison().isEqualTo(sent);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDb.Kind.class)
    void claimedEntryIsLeasedUntilTheLeaseRunsOut(TestDb.Kind kind) throws Exception {
        try (TestDb db = TestDb.create(kind, tmp); StateStore store = StateStore.open(db.config())) {
            new Outbox(store).enqueue("k", "ops", message("m"), DAY1);
            assertThat(new Outbox(store).claimDue(DAY1, LEASE, 10, ME)).extracting(OutboxEntry::attempts).containsExactly(1);
            assertThat(new Outbox(store).claimDue(DAY1.plus(LEASE).minusSeconds(1), LEASE, 10, ME)).isEmpty();
            assertThat(new Outbox(store).claimDue(DAY1.plus(LEASE), LEASE, 10, ME))
                    .as("a dispatcher that died holding it must not strand it")
                    .extracting(OutboxEntry::attempts).containsExactly(2);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDb.Kind.class)
    void releaseEndsOnlyTheLeasesOfOtherSchedulersThatRunOutByTheCutoff(TestDb.Kind kind) throws Exception {
        try (TestDb db = TestDb.create(kind, tmp); StateStore store = StateStore.open(db.config())) {
            Outbox outbox = new Outbox(store);
            for (String key : List.of("dead", "alive", "command", "late")) {
                outbox.enqueue(key, "ops", message(key), DAY1);
            }
            // each claim takes the oldest due entry: dead, alive, command, late in turn
            outbox.claimDue(DAY1, LEASE, 1, Lessee.scheduler("dead-1"));
            outbox.claimDue(DAY1, LEASE, 1, Lessee.scheduler("alive-1"));
            outbox.claimDue(DAY1, LEASE, 1, Lessee.command());
            outbox.claimDue(DAY1.plusSeconds(60), LEASE, 1, Lessee.scheduler("dead-2"));

            assertThat(outbox.releaseLeases(List.of(Lessee.scheduler("alive-1")), DAY1.plus(LEASE))).isEqualTo(1);

            assertThat(outbox.claimDue(DAY1.plusSeconds(90), LEASE, 10, ME)).extracting(OutboxEntry::dedupKey)
                    .as("only the dead scheduler's lease that ran out by the cutoff").containsExactly("dead");
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDb.Kind.class)
    void failedEntryWaitsForItsNextAttemptAndKeepsTheError(TestDb.Kind kind) throws Exception {
        try (TestDb db = TestDb.create(kind, tmp); StateStore store = StateStore.open(db.config())) {
            new Outbox(store).enqueue("k", "ops", message("m"), DAY1);
            long id = new Outbox(store).claimDue(DAY1, LEASE, 10, ME).get(0).id();
            Instant next = DAY1.plusSeconds(30);
            new Outbox(store).markFailed(id, "HTTP 503", next, ME);

            assertThat(new Outbox(store).claimDue(next.minusSeconds(1), LEASE, 10, ME)).isEmpty();
            assertThat(new Outbox(store).pending()).extracting(OutboxEntry::nextAttempt).containsExactly(next);
            List<OutboxEntry> again = new Outbox(store).claimDue(next, LEASE, 10, ME);
            assertThat(again).extracting(OutboxEntry::lastError).containsExactly(java.util.Optional.of("HTTP 503"));
            assertThat(again).extracting(OutboxEntry::attempts).containsExactly(2);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDb.Kind.class)
    void lateFailureReportDoesNotUndoADelivery(TestDb.Kind kind) throws Exception {
        try (TestDb db = TestDb.create(kind, tmp); StateStore store = StateStore.open(db.config())) {
            new Outbox(store).enqueue("k", "ops", message("m"), DAY1);
            long id = new Outbox(store).claimDue(DAY1, LEASE, 10, ME).get(0).id();
            assertThat(new Outbox(store).markSent(id, DAY1.plusSeconds(1), ME)).isTrue();
            assertThat(new Outbox(store).markFailed(id, "timeout", DAY1.plusSeconds(60), ME)).isFalse();
            assertThat(Fixtures.sent(new Outbox(store), "k")).isTrue();
            assertThat(new Outbox(store).pending()).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDb.Kind.class)
    void onlyTheHolderOfALeaseRenewsOrMarksIt(TestDb.Kind kind) throws Exception {
        Lessee other = Lessee.scheduler("other");
        try (TestDb db = TestDb.create(kind, tmp); StateStore store = StateStore.open(db.config())) {
            Outbox outbox = new Outbox(store);
            outbox.enqueue("k", "ops", message("m"), DAY1);
            long id = outbox.claimDue(DAY1, LEASE, 10, ME).get(0).id();
            // the lease ran out and another sender took the entry
            assertThat(outbox.claimDue(DAY1.plus(LEASE), LEASE, 10, other)).hasSize(1);

            assertThat(outbox.renew(List.of(id), DAY1.plus(LEASE).plusSeconds(60), ME)).isEmpty();
            assertThat(outbox.markFailed(id, "late", DAY1.plusSeconds(30), ME)).isFalse();
            assertThat(outbox.markSent(id, DAY1.plus(LEASE), ME)).isFalse();
            assertThat(outbox.pending()).singleElement().satisfies(e -> assertThat(e.lastError()).isEmpty());

            assertThat(outbox.renew(List.of(id), DAY1.plus(LEASE).plusSeconds(60), other)).containsExactly(id);
            assertThat(outbox.markSent(id, DAY1.plus(LEASE).plusSeconds(1), other)).isTrue();
            assertThat(outbox.pending()).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDb.Kind.class)
    void claimRespectsMaxAndOrder(TestDb.Kind kind) throws Exception {
        try (TestDb db = TestDb.create(kind, tmp); StateStore store = StateStore.open(db.config())) {
            for (int i = 0; i < 5; i++) {
                new Outbox(store).enqueue("k" + i, "ops", message("m" + i), DAY1.plusSeconds(i));
            }
            assertThat(new Outbox(store).claimDue(DAY1.plusSeconds(10), LEASE, 3, ME)).extracting(OutboxEntry::dedupKey)
                    .containsExactly("k0", "k1", "k2");
            assertThat(new Outbox(store).claimDue(DAY1.plusSeconds(3), LEASE, 3, ME)).extracting(OutboxEntry::dedupKey)
                    .as("k4 is not due yet").containsExactly("k3");
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDb.Kind.class)
    void concurrentClaimersNeverGetTheSameEntry(TestDb.Kind kind) throws Exception {
        int entries = 200;
        try (TestDb db = TestDb.create(kind, tmp); StateStore a = StateStore.open(db.config());
             StateStore b = StateStore.open(db.config())) {
            for (int i = 0; i < entries; i++) {
                new Outbox(a).enqueue("k" + i, "ops", message("m" + i), DAY1);
            }
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                CyclicBarrier start = new CyclicBarrier(4);
                List<Future<List<Long>>> claimers = new ArrayList<>();
                for (StateStore store : List.of(a, b, a, b)) {
                    claimers.add(pool.submit((Callable<List<Long>>) () -> {
                        start.await();
                        List<Long> mine = new ArrayList<>();
                        List<OutboxEntry> batch;
                        while (!(batch = new Outbox(store).claimDue(DAY1, LEASE, 7, ME)).isEmpty()) {
                            batch.forEach(e -> mine.add(e.id()));
                        }
                        return mine;
                    }));
                }
                List<Long> all = new ArrayList<>();
                for (Future<List<Long>> claimer : claimers) {
                    all.addAll(claimer.get());
                }
                Set<Long> distinct = new HashSet<>(all);
                assertThat(all).as("no id claimed twice").hasSameSizeAs(distinct);
                assertThat(distinct).hasSize(entries);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void claimArgumentsAreChecked() throws Exception {
        try (TestDb db = TestDb.create(TestDb.Kind.H2, tmp); StateStore store = StateStore.open(db.config())) {
            assertThatThrownBy(() -> new Outbox(store).claimDue(DAY1, Duration.ZERO, 1, ME)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("lease");
            assertThatThrownBy(() -> new Outbox(store).claimDue(DAY1, LEASE, 0, ME)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("max");
        }
    }
}

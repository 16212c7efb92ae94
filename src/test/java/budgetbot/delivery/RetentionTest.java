package budgetbot.delivery;

import budgetbot.notify.Message;
import budgetbot.state.Fixtures;
import budgetbot.state.Sql;
import budgetbot.state.StateStore;
import budgetbot.testing.TestDb;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;

import static budgetbot.state.Fixtures.DAY1;
import static budgetbot.state.Fixtures.budget;
import static budgetbot.state.Fixtures.day;
import static budgetbot.state.Fixtures.message;
import static org.assertj.core.api.Assertions.assertThat;

/** What retention forgets and what it must keep; a message for several channels is stored once. */
class RetentionTest {
    private static final Duration LEASE = Duration.ofMinutes(5);
    private static final Instant LATER = DAY1.plus(Duration.ofDays(3));

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDb.Kind.class)
    void aMessageForThreeChannelsIsStoredOnceAndEachGetsItWhole(TestDb.Kind kind) throws Exception {
        Message digest = message("digest with a chart");
        try (TestDb db = TestDb.create(kind, tmp); StateStore store = StateStore.open(db.config())) {
            Outbox outbox = new Outbox(store);
            List<Outbox.Target> targets = List.of(new Outbox.Target("d|mail", "mail"),
                    new Outbox.Target("d|slack", "slack"), new Outbox.Target("d|bot", "bot"));

            assertThat(outbox.enqueue(targets, digest, DAY1, Optional.empty())).isEqualTo(targets);
            assertThat(outbox.enqueue(targets.subList(0, 1), digest, DAY1, Optional.empty())).isEmpty();

            assertThat(count(store, "outbox_message")).as("the second, a duplicate, leaves one unused").isEqualTo(2);
            assertThat(outbox.claimDue(DAY1, LEASE, 10, Lessee.command())).hasSize(3).allSatisfy(e -> {
                assertThat(e.message().subject()).isEqualTo(digest.subject());
                assertThat(e.message().images().get(0).png()).isEqualTo(digest.images().get(0).png());
            });
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDb.Kind.class)
    void purgeForgetsOldDeliveredEntriesButNeitherUndeliveredOnesNorKeysStillNeeded(TestDb.Kind kind)
            throws Exception {
        try (TestDb db = TestDb.create(kind, tmp); StateStore store = StateStore.open(db.config())) {
            Outbox outbox = new Outbox(store);
            outbox.enqueue("alert", "ops", message("alert"), DAY1);
            Instant keepUntil = DAY1.plus(Duration.ofDays(7));
            outbox.enqueue(List.of(new Outbox.Target("digest", "ops")), message("digest"), DAY1, Optional.of(keepUntil));
            outbox.claimDue(DAY1, LEASE, 10, Lessee.command()).forEach(e -> outbox.markSent(e.id(), DAY1, Lessee.command()));
            outbox.enqueue("waiting", "ops", message("waiting"), DAY1);
            outbox.markFailed(outbox.claimDue(DAY1, LEASE, 10, Lessee.command()).get(0).id(), "HTTP 503", LATER,
                    Lessee.command());

            assertThat(outbox.purge(DAY1, LATER)).as("sent at, not before, the cut").isZero();
            assertThat(outbox.purge(DAY1.plusSeconds(1), LATER)).isEqualTo(1);

            assertThat(outbox.isQueued("alert")).isFalse();
            assertThat(outbox.isQueued("digest")).as("its period's catch-up still asks").isTrue();
            assertThat(outbox.pending()).extracting(OutboxEntry::dedupKey).containsExactly("waiting");
            assertThat(count(store, "outbox_message")).isEqualTo(2);

            assertThat(outbox.purge(LATER, keepUntil.plusSeconds(1))).isEqualTo(1);
            assertThat(outbox.isQueued("digest")).isFalse();
            assertThat(outbox.pending()).hasSize(1);
            assertThat(count(store, "outbox_message")).isEqualTo(1);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDb.Kind.class)
    void anAlertLogPurgedBeforeItsPeriodEndsStillAnnouncesNothingTwice(TestDb.Kind kind) throws Exception {
        try (TestDb db = TestDb.create(kind, tmp); StateStore store = StateStore.open(db.config())) {
            Instant t1 = DAY1.plus(Duration.ofHours(1));
            assertThat(apply(store, t1)).isEqualTo(1);
            store.addSilence("team", Optional.empty(), t1.plusSeconds(60), "ended long ago", t1);

            assertThat(store.purgeBefore(t1.plusSeconds(120))).isEqualTo(1);

            assertThat(store.alertEvents(List.of("team"), day(DAY1))).isEmpty();
            assertThat(store.silences(t1)).as("an ended silence goes too").isEmpty();
            assertThat(apply(store, t1.plusSeconds(300))).as("the alert state still knows it was announced").isZero();
        }
    }

    private static int apply(StateStore store, Instant now) {
        return store.apply(Fixtures.rule(Optional.empty(), "ops"), List.of(budget(DAY1, "0.8")), now,
                new Outbox(store).announcer(Fixtures::render, Fixtures::messageKey, Fixtures::render, Integer.MAX_VALUE, now), "CNY", ZoneId.of("UTC"), false).size();
    }

    private static int count(StateStore store, String table) {
        return store.autoCommit("count", c -> Sql.query(c, "SELECT COUNT(*) FROM " + table, ps -> { },
                rs -> rs.getInt(1)).get(0));
    }
}

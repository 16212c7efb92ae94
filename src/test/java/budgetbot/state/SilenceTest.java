package budgetbot.state;

import budgetbot.config.RuleConfig;
import budgetbot.delivery.Outbox;
import budgetbot.delivery.OutboxEntry;
import budgetbot.rules.Finding;
import budgetbot.rules.Kind;
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
import static budgetbot.state.Fixtures.finding;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

/** A silenced alert is recorded, not sent, and sent once the silence ends if it still holds. */
class SilenceTest {
    private static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");
    private static final RuleConfig RULE = Fixtures.rule(Optional.of(Duration.ofHours(1)), "ops");
    private static final Instant T1 = DAY1.plus(Duration.ofHours(9));
    private static final Instant UNTIL = T1.plus(Duration.ofHours(2));

    @TempDir
    Path tmp;

    private static List<Announcement> apply(StateStore store, Instant now, Finding... findings) {
        return store.apply(RULE, List.of(findings), now, new Outbox(store).announcer(Fixtures::render, Fixtures::messageKey, Fixtures::render, Integer.MAX_VALUE, now), "CNY",
                ZONE, false);
    }

    private static List<AlertLogEntry> log(StateStore store) {
        return store.alertEvents(List.of(RULE.name()), day(DAY1));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDb.Kind.class)
    void aSilencedAlertIsRecordedOnceNotQueuedAndAnnouncedWhenTheSilenceEndsIfItStillHolds(TestDb.Kind kind)
            throws Exception {
        try (TestDb db = TestDb.create(kind, tmp); StateStore store = StateStore.open(db.config())) {
            Silence silence = store.addSilence("team", Optional.empty(), UNTIL, "known incident INC-7", T1);

            assertThat(apply(store, T1, budget(DAY1, "0.8"))).isEmpty();
            // checks every five minutes while silenced, a reminder due after an hour: still one record
            for (int minutes = 5; minutes < 120; minutes += 5) {
                assertThat(apply(store, T1.plus(Duration.ofMinutes(minutes)), budget(DAY1, "0.8"))).isEmpty();
            }
            assertThat(new Outbox(store).pending()).isEmpty();
            assertThat(log(store)).extracting(AlertLogEntry::status, AlertLogEntry::silenced, AlertLogEntry::at)
                    .containsExactly(tuple(AlertStatus.FIRING, true, T1));
            assertThat(store.alertRecord("team", "budget[0]:tokens/day", "all", "ops")).as("nothing announced")
                    .isEmpty();
            assertThat(store.silences(T1)).containsExactly(silence);

            List<Announcement> after = apply(store, UNTIL, budget(DAY1, "0.8"));

            assertThat(store.silences(UNTIL)).isEmpty();
            assertThat(after).extracting(a -> a.event().status()).containsExactly(AlertStatus.FIRING);
            assertThat(new Outbox(store).pending()).extracting(OutboxEntry::channel).containsExactly("ops");
            assertThat(log(store)).extracting(AlertLogEntry::silenced).containsExactly(true, false);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDb.Kind.class)
    void anAlertThatStoppedHoldingDuringTheSilenceIsNeverSent(TestDb.Kind kind) throws Exception {
        try (TestDb db = TestDb.create(kind, tmp); StateStore store = StateStore.open(db.config())) {
            store.addSilence("team", Optional.empty(), UNTIL, "deploy", T1);
            assertThat(apply(store, T1, finding(Kind.GROWTH, DAY1, true, "1"))).isEmpty();

            assertThat(apply(store, UNTIL, finding(Kind.GROWTH, DAY1, false, "0"))).isEmpty();
            assertThat(new Outbox(store).pending()).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDb.Kind.class)
    void aSilenceOfOneGroupLeavesTheOthersAndAnEscalationIsRecordedAgain(TestDb.Kind kind) throws Exception {
        try (TestDb db = TestDb.create(kind, tmp); StateStore store = StateStore.open(db.config())) {
            store.addSilence("team", Optional.of("all"), UNTIL, "batch job", T1);
            store.addSilence("other-rule", Optional.empty(), UNTIL, "not this rule", T1);

            assertThat(apply(store, T1, budget(DAY1, "0.8"))).isEmpty();
            assertThat(apply(store, T1.plusSeconds(300), budget(DAY1, "1"))).isEmpty();

            assertThat(log(store)).extracting(AlertLogEntry::status, e -> e.level().toPlainString(),
                    AlertLogEntry::silenced).containsExactly(tuple(AlertStatus.FIRING, "0.8", true),
                    tuple(AlertStatus.FIRING, "1", true));
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDb.Kind.class)
    void aRemovedSilenceStopsMutingAtOnce(TestDb.Kind kind) throws Exception {
        try (TestDb db = TestDb.create(kind, tmp); StateStore store = StateStore.open(db.config())) {
            Silence silence = store.addSilence("team", Optional.empty(), UNTIL, "oops", T1);
            apply(store, T1, budget(DAY1, "0.8"));

            assertThat(store.removeSilence(silence.id())).isTrue();
            assertThat(store.removeSilence(silence.id())).as("gone already").isFalse();

            assertThat(apply(store, T1.plusSeconds(60), budget(DAY1, "0.8"))).hasSize(1);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDb.Kind.class)
    void aSilenceMustEndInTheFutureAndSayWhy(TestDb.Kind kind) throws Exception {
        try (TestDb db = TestDb.create(kind, tmp); StateStore store = StateStore.open(db.config())) {
            assertThatThrownBy(() -> store.addSilence("team", Optional.empty(), T1, "x", T1))
                    .hasMessageContaining("must end in the future");
            assertThatThrownBy(() -> store.addSilence("team", Optional.empty(), UNTIL, " ", T1))
                    .hasMessageContaining("needs a reason");
        }
    }
}

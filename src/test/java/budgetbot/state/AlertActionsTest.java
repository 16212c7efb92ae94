package budgetbot.state;

import budgetbot.config.RuleConfig;
import budgetbot.delivery.Outbox;
import budgetbot.rules.Finding;
import budgetbot.testing.TestDb;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;

import static budgetbot.state.Fixtures.DAY1;
import static budgetbot.state.Fixtures.DAY2;
import static budgetbot.state.Fixtures.budget;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** What a person's act on an alert changes, on both databases: reminders held back, silences made, once per act. */
class AlertActionsTest {
    private static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");
    private static final Instant T1 = DAY1.plus(Duration.ofHours(9));
    private static final Act ALICE = new Act("slack:T1:U0ALICE01:1764900000.000100", "team", "U0ALICE01", "alice");

    @TempDir
    Path tmp;

    private static List<AlertStatus> apply(StateStore store, RuleConfig rule, Instant now, Finding... findings) {
        return store.apply(rule, List.of(findings), now, new Outbox(store).announcer(Fixtures::render,
                Fixtures::messageKey, Fixtures::render, Integer.MAX_VALUE, now), "CNY", ZONE, false).stream()
                .map(a -> a.event().status()).toList();
    }

    private static List<Acknowledgement.Condition> asAnnounced(Finding f) {
        return List.of(new Acknowledgement.Condition(f.condition(), f.window().start(), f.level()));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDb.Kind.class)
    void anAcknowledgementHoldsBackRemindersOfItsPeriodUntilTheAlertEscalates(TestDb.Kind kind) throws Exception {
        RuleConfig rule = Fixtures.rule(Optional.of(Duration.ofHours(1)), "ops", "mail");
        try (TestDb db = TestDb.create(kind, tmp); StateStore store = StateStore.open(db.config())) {
            assertThat(apply(store, rule, T1, budget(DAY1, "0.8"))).containsExactly(AlertStatus.FIRING,
                    AlertStatus.FIRING);
            assertThat(store.acknowledge(ALICE, "team", "all", asAnnounced(budget(DAY1, "0.8")), T1.plusSeconds(60)))
                    .isTrue();

            assertThat(apply(store, rule, T1.plus(Duration.ofHours(2)), budget(DAY1, "0.8")))
                    .as("no reminder on any channel").isEmpty();
            assertThat(apply(store, rule, T1.plus(Duration.ofHours(3)), budget(DAY1, "1")))
                    .as("an escalation still notifies").containsExactly(AlertStatus.ESCALATED, AlertStatus.ESCALATED);
            assertThat(apply(store, rule, T1.plus(Duration.ofHours(4)), budget(DAY1, "1")))
                    .as("the escalated level was not acknowledged").containsExactly(AlertStatus.REMINDER,
                            AlertStatus.REMINDER);
            assertThat(apply(store, rule, DAY2.plus(Duration.ofHours(1)), budget(DAY2, "0.8")))
                    .as("the next period starts afresh").containsExactly(AlertStatus.FIRING, AlertStatus.FIRING);

            assertThat(store.acknowledgements()).extracting(Acknowledgement::rule, Acknowledgement::group,
                    a -> a.condition().level(), Acknowledgement::userId, Acknowledgement::userName,
                    Acknowledgement::at).containsExactly(tuple("team", "all", new BigDecimal("0.8"), "U0ALICE01",
                    "alice", T1.plusSeconds(60)));
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDb.Kind.class)
    void anActIsActedOnOnceAndLoggedWithWhoDidIt(TestDb.Kind kind) throws Exception {
        try (TestDb db = TestDb.create(kind, tmp); StateStore store = StateStore.open(db.config())) {
            Instant until = T1.plus(Duration.ofHours(4));
            Optional<Silence> snoozed = store.snooze(ALICE, "team", "all", until, "snoozed from Slack by alice", T1);
            assertThat(snoozed).isPresent();
            assertThat(store.snooze(ALICE, "team", "all", until, "snoozed from Slack by alice", T1)).isEmpty();
            assertThat(store.acknowledge(ALICE, "team", "all", asAnnounced(budget(DAY1, "0.8")), T1)).isFalse();
            Act bob = new Act("slack:T1:U0BOB0001:1764900001.000200", "team", "U0BOB0001", "bob");
            assertThat(store.acknowledge(bob, "team", "all", asAnnounced(budget(DAY1, "0.8")), T1)).isTrue();

            assertThat(store.silences(T1)).extracting(Silence::rule, s -> s.group().orElseThrow(), Silence::endsAt,
                    Silence::reason).containsExactly(tuple("team", "all", until, "snoozed from Slack by alice"));
            List<List<String>> log = store.autoCommit("read the log", c -> Sql.query(c, "SELECT action, user_id, "
                    + "user_name, channel, silence_id FROM alert_action ORDER BY id", ps -> { }, rs -> List.of(
                    rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), String.valueOf(rs.getObject(5)))));
            assertThat(log)
                    .containsExactly(List.of("SNOOZE", "U0ALICE01", "alice", "team", String.valueOf(snoozed.get().id())),
                            List.of("ACKNOWLEDGE", "U0BOB0001", "bob", "team", "null"));

            assertThat(store.removeSilence(snoozed.get().id())).as("silence remove ends a snooze").isTrue();
            assertThat(store.silences(T1)).isEmpty();
            store.purgeBefore(T1.plusSeconds(1));
            assertThat(store.acknowledgements()).as("the log and its acknowledgements are purged together").isEmpty();
        }
    }
}

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

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static budgetbot.state.Fixtures.DAY1;
import static budgetbot.state.Fixtures.DAY2;
import static budgetbot.state.Fixtures.budget;
import static budgetbot.state.Fixtures.day;
import static budgetbot.state.Fixtures.finding;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

class AlertStateTest {
    private static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");
    private static final RuleConfig TWO_CHANNELS = Fixtures.rule(Optional.empty(), "ops", "mail");
    private static final Instant T1 = DAY1.plus(Duration.ofHours(9));

    @TempDir
    Path tmp;

    private static List<Announcement> apply(StateStore store, RuleConfig rule, Instant now, Finding... findings) {
        return store.apply(rule, List.of(findings), now,
                new Outbox(store).announcer(Fixtures::render, Fixtures::messageKey, Fixtures::render, Integer.MAX_VALUE, now), "CNY", ZONE, false);
    }

    private static List<AlertStatus> statuses(List<Announcement> announced) {
        return announced.stream().map(a -> a.event().status()).toList();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDb.Kind.class)
    void firstRunAnnouncesOnEveryChannelAndQueuesTheRenderedMessage(TestDb.Kind kind) throws Exception {
        try (TestDb db = TestDb.create(kind, tmp); StateStore store = StateStore.open(db.config())) {
            List<Announcement> announced = apply(store, TWO_CHANNELS, T1, budget(DAY1, "0.8"),
                    finding(Kind.GROWTH, DAY1, false, "0"));

            assertThat(announced).extracting(Announcement::channel, a -> a.event().status())
                    .containsExactly(tuple("ops", AlertStatus.FIRING), tuple("mail", AlertStatus.FIRING));
            assertThat(announced.get(0).event().currency()).isEqualTo("CNY");
            assertThat(new Outbox(store).pending()).extracting(OutboxEntry::channel, e -> e.message().subject())
                    .containsExactly(tuple("ops", "FIRING budget[0]:tokens/day 0.8"),
                            tuple("mail", "FIRING budget[0]:tokens/day 0.8"));
            AlertRecord record = store.alertRecord("team", "budget[0]:tokens/day", "all", "ops").orElseThrow();
            assertThat(record.active()).isTrue();
            assertThat(record.level()).isEqualByComparingTo("0.8");
            assertThat(record.periodStart()).isEqualTo(DAY1);
            assertThat(record.lastNotified()).isEqualTo(T1);
            assertThat(store.alertRecord("team", "growth[0]:tokens/day", "all", "ops")).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDb.Kind.class)
    void secondIdenticalRunAnnouncesNothing(TestDb.Kind kind) throws Exception {
        try (TestDb db = TestDb.create(kind, tmp); StateStore store = StateStore.open(db.config())) {
            apply(store, TWO_CHANNELS, T1, budget(DAY1, "0.8"));
            assertThat(apply(store, TWO_CHANNELS, T1.plusSeconds(300), budget(DAY1, "0.8"))).isEmpty();
            assertThat(new Outbox(store).pending()).hasSize(2);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDb.Kind.class)
    void escalatesOnAHigherLevelAndStartsFreshNextPeriod(TestDb.Kind kind) throws Exception {
        RuleConfig rule = Fixtures.rule(Optional.empty(), "ops");
        try (TestDb db = TestDb.create(kind, tmp); StateStore store = StateStore.open(db.config())) {
            assertThat(statuses(apply(store, rule, T1, budget(DAY1, "0.8")))).containsExactly(AlertStatus.FIRING);
            assertThat(statuses(apply(store, rule, T1.plusSeconds(300), budget(DAY1, "1.0"))))
                    .containsExactly(AlertStatus.ESCALATED);
            assertThat(statuses(apply(store, rule, T1.plusSeconds(600), budget(DAY1, "1.0")))).isEmpty();
            assertThat(statuses(apply(store, rule, DAY2.plusSeconds(60), budget(DAY2, "0"))))
                    .as("below every threshold in the new period").isEmpty();
            assertThat(statuses(apply(store, rule, DAY2.plusSeconds(3600), budget(DAY2, "0.8"))))
                    .containsExactly(AlertStatus.FIRING);
            assertThat(new Outbox(store).pending()).hasSize(3);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDb.Kind.class)
    void remindsAfterTheRepeatIntervalOncePerInterval(TestDb.Kind kind) throws Exception {
        RuleConfig rule = Fixtures.rule(Optional.of(Duration.ofHours(1)), "ops");
        try (TestDb db = TestDb.create(kind, tmp); StateStore store = StateStore.open(db.config())) {
            apply(store, rule, T1, budget(DAY1, "0.8"));
            assertThat(apply(store, rule, T1.plus(Duration.ofMinutes(59)), budget(DAY1, "0.8"))).isEmpty();
            assertThat(statuses(apply(store, rule, T1.plus(Duration.ofMinutes(60)), budget(DAY1, "0.8"))))
                    .containsExactly(AlertStatus.REMINDER);
            assertThat(apply(store, rule, T1.plus(Duration.ofMinutes(61)), budget(DAY1, "0.8"))).isEmpty();
            assertThat(statuses(apply(store, rule, T1.plus(Duration.ofMinutes(120)), budget(DAY1, "0.8"))))
                    .containsExactly(AlertStatus.REMINDER);
            assertThat(new Outbox(store).pending()).hasSize(3);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDb.Kind.class)
    void growthResolvesAndFiresAgainEachTimeQueued(TestDb.Kind kind) throws Exception {
        RuleConfig rule = Fixtures.rule(Optional.empty(), "ops");
        Finding holds = finding(Kind.GROWTH, DAY1, true, "1");
        Finding stopped = finding(Kind.GROWTH, DAY1, false, "0");
        try (TestDb db = TestDb.create(kind, tmp); StateStore store = StateStore.open(db.config())) {
            List<AlertStatus> seen = new ArrayList<>();
            Instant t = T1;
            for (Finding f : List.of(holds, stopped, stopped, holds, stopped)) {
                seen.addAll(statuses(apply(store, rule, t, f)));
                t = t.plusSeconds(300);
            }
            assertThat(seen).containsExactly(AlertStatus.FIRING, AlertStatus.RESOLVED, AlertStatus.FIRING,
                    AlertStatus.RESOLVED);
            assertThat(new Outbox(store).pending()).hasSize(4);
            assertThat(store.alertRecord("team", "growth[0]:tokens/day", "all", "ops").orElseThrow().resolvedAt())
                    .contains(T1.plusSeconds(1200));
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDb.Kind.class)
    void dryRunDecidesButWritesAndRendersNothing(TestDb.Kind kind) throws Exception {
        Announcer mustNotQueue = (c, key, channel, e) -> {
            throw new AssertionError("queued in a dry run: " + e);
        };
        try (TestDb db = TestDb.create(kind, tmp); StateStore store = StateStore.open(db.config())) {
            for (int run = 0; run < 2; run++) {
                List<Announcement> announced = store.apply(TWO_CHANNELS, List.of(budget(DAY1, "0.8")), T1,
                        mustNotQueue, "CNY", ZONE, true);
                assertThat(statuses(announced)).containsExactly(AlertStatus.FIRING, AlertStatus.FIRING);
            }
            assertThat(new Outbox(store).pending()).isEmpty();
            assertThat(store.alertRecord("team", "budget[0]:tokens/day", "all", "ops")).isEmpty();
            assertThat(store.alertEvents(List.of("team"), day(DAY1))).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDb.Kind.class)
    void stateSurvivesCloseAndReopen(TestDb.Kind kind) throws Exception {
        try (TestDb db = TestDb.create(kind, tmp)) {
            try (StateStore store = StateStore.open(db.config())) {
                apply(store, TWO_CHANNELS, T1, budget(DAY1, "0.8"));
            }
            try (StateStore store = StateStore.open(db.config())) {
                assertThat(apply(store, TWO_CHANNELS, T1.plusSeconds(300), budget(DAY1, "0.8"))).isEmpty();
                assertThat(statuses(apply(store, TWO_CHANNELS, T1.plusSeconds(600), budget(DAY1, "1.0"))))
                        .containsExactly(AlertStatus.ESCALATED, AlertStatus.ESCALATED);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDb.Kind.class)
    void twoInstancesApplyingTheSameFindingsAnnounceEachOnce(TestDb.Kind kind) throws Exception {
        List<Finding> findings = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Finding f = budget(DAY1, "0.8");
            findings.add(new Finding(f.rule(), f.kind(), f.condition(), "key-" + i, f.metric(), f.period(), f.window(),
                    true, new BigDecimal("0.8"), f.used(), f.limit(), f.baseline(), f.increase(), f.forecast(),
                    f.contributors(), f.keys(), f.models()));
        }
        try (TestDb db = TestDb.create(kind, tmp); StateStore a = StateStore.open(db.config());
             StateStore b = StateStore.open(db.config())) {
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                CyclicBarrier start = new CyclicBarrier(2);
                List<Future<List<Announcement>>> runs = new ArrayList<>();
                for (StateStore store : List.of(a, b)) {
                    runs.add(pool.submit((Callable<List<Announcement>>) () -> {
                        List<Announcement> mine = new ArrayList<>();
                        for (Finding f : findings) {
                            start.await();
                            mine.addAll(apply(store, TWO_CHANNELS, T1, f));
                        }
                        return mine;
                    }));
                }
                int announced = runs.get(0).get().size() + runs.get(1).get().size();
                assertThat(announced).isEqualTo(40);
            } finally {
                pool.shutdownNow();
            }
            assertThat(new Outbox(a).pending()).hasSize(40);
            assertThat(a.alertEvents(List.of("team"), day(DAY1))).hasSize(40);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDb.Kind.class)
    void alertLogListsAnnouncementsMadeInTheWindow(TestDb.Kind kind) throws Exception {
        RuleConfig rule = Fixtures.rule(Optional.empty(), "ops");
        try (TestDb db = TestDb.create(kind, tmp); StateStore store = StateStore.open(db.config())) {
            apply(store, rule, T1, budget(DAY1, "0.8"));
            apply(store, rule, T1.plusSeconds(60), budget(DAY1, "1.0"));
            apply(store, rule, DAY2.plusSeconds(60), budget(DAY2, "0.8"));

            assertThat(store.alertEvents(List.of("team"), day(DAY1)))
                    .extracting(AlertLogEntry::status, e -> e.level().toPlainString(), AlertLogEntry::at,
                            AlertLogEntry::periodStart, AlertLogEntry::kind, AlertLogEntry::channel)
                    .containsExactly(
                            tuple(AlertStatus.FIRING, "0.8", T1, DAY1, Kind.BUDGET, "ops"),
                            tuple(AlertStatus.ESCALATED, "1", T1.plusSeconds(60), DAY1, Kind.BUDGET, "ops"));
            assertThat(store.alertEvents(List.of("other"), day(DAY1))).isEmpty();
            assertThat(store.alertEvents(List.of(), day(DAY1))).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDb.Kind.class)
    void findingOfAnotherRuleIsRejectedAndNothingIsWritten(TestDb.Kind kind) throws Exception {
        Finding foreign = new Finding("other", Kind.BUDGET, "budget[0]:tokens/day", "all", budget(DAY1, "1").metric(),
                budget(DAY1, "1").period(), day(DAY1), true, BigDecimal.ONE, BigDecimal.TEN, Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), List.of(), List.of(), List.of());
        try (TestDb db = TestDb.create(kind, tmp); StateStore store = StateStore.open(db.config())) {
            assertThatThrownBy(() -> apply(store, TWO_CHANNELS, T1, budget(DAY1, "0.8"), foreign))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("other");
            assertThat(new Outbox(store).pending()).as("the transaction was rolled back").isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDb.Kind.class)
    void everyApplyRecordsItsMomentAnEarlierOneKeepsTheLatestAndADryRunRecordsNothing(TestDb.Kind kind)
            throws Exception {
        RuleConfig rule = Fixtures.rule(Optional.empty(), "ops");
        try (TestDb db = TestDb.create(kind, tmp); StateStore store = StateStore.open(db.config())) {
            store.apply(rule, List.of(budget(DAY1, "0")), T1, (c, k, ch, e) -> true, "CNY", ZONE, true);
            assertThat(store.lastEvaluated(List.of("team"))).as("a dry run").isEmpty();

            // nothing to announce: the evaluation is recorded all the same
            apply(store, rule, T1, budget(DAY1, "0"));
            assertThat(store.lastEvaluated(List.of("team", "other"))).containsExactly(Map.entry("team", T1));

            apply(store, rule, T1.plusSeconds(60), budget(DAY1, "0"));
            apply(store, rule, T1.minusSeconds(60), budget(DAY1, "0"));
            store.apply(rule, List.of(budget(DAY1, "0")), T1.plusSeconds(120), (c, k, ch, e) -> true, "CNY", ZONE, true);

            assertThat(store.lastEvaluated(List.of("team"))).containsExactly(Map.entry("team", T1.plusSeconds(60)));
            assertThat(store.lastEvaluated(List.of())).isEmpty();
        }
    }
}

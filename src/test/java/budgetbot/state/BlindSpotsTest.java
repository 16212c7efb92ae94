package budgetbot.state;

import budgetbot.config.Located;
import budgetbot.config.RuleConfig;
import budgetbot.delivery.Outbox;
import budgetbot.delivery.OutboxEntry;
import budgetbot.render.NoticeFormatter;
import budgetbot.rules.Coverage;
import budgetbot.testing.TestDb;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static budgetbot.state.Fixtures.DAY1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** What a rule cannot see: announced once per outage or cause per channel, through the outbox, across restarts. */
class BlindSpotsTest {
    private static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");
    /** Two channels; staleAfter is the default 30 minutes. */
    private static final RuleConfig RULE = Fixtures.rule(Optional.empty(), "ops", "mail");
    private static final Instant T0 = DAY1.plus(Duration.ofHours(9));
    private static final String REFUSED = "no answer from api.ucloud.cn: java.net.ConnectException: Connection refused";

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDb.Kind.class)
    void anOutageIsAnnouncedOnceAfterStaleAfterAndItsRecoveryOnceAlsoAcrossARestart(TestDb.Kind kind)
            throws Exception {
        try (TestDb db = TestDb.create(kind, tmp)) {
            try (StateStore store = StateStore.open(db.config())) {
                assertThat(failed(store, 0, "HTTP 503")).isEmpty();
                assertThat(failed(store, 29, REFUSED)).isEmpty();
                assertThat(failed(store, 30, REFUSED)).hasValueSatisfying(n -> {
                    assertThat(n.kind()).isEqualTo(Notice.Kind.UNAVAILABLE);
                    assertThat(n.since()).isEqualTo(T0);
                    assertThat(n.detail()).isEqualTo(REFUSED);
                });
                assertThat(failed(store, 35, REFUSED)).isEmpty();
            }
            try (StateStore restarted = StateStore.open(db.config())) {
                assertThat(failed(restarted, 40, REFUSED)).isEmpty();
                assertThat(worked(restarted, 45)).hasValueSatisfying(n -> {
                    assertThat(n.kind()).isEqualTo(Notice.Kind.RECOVERED);
                    assertThat(n.since()).isEqualTo(T0);
                    assertThat(n.at()).isEqualTo(T0.plus(Duration.ofMinutes(45)));
                });
                assertThat(worked(restarted, 50)).isEmpty();
                assertThat(new Outbox(restarted).pending()).extracting(OutboxEntry::channel, e -> e.message().subject())
                        .containsExactly(
                                tuple("ops", "[budgetbot] team: usage data unavailable since Fri 27 Nov 2026 09:00"),
                                tuple("mail", "[budgetbot] team: usage data unavailable since Fri 27 Nov 2026 09:00"),
                                tuple("ops", "[budgetbot] RECOVERED team: usage data available again"),
                                tuple("mail", "[budgetbot] RECOVERED team: usage data available again"));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDb.Kind.class)
    void anOutageShorterThanStaleAfterIsForgottenWithoutAWord(TestDb.Kind kind) throws Exception {
        try (TestDb db = TestDb.create(kind, tmp); StateStore store = StateStore.open(db.config())) {
            failed(store, 0, REFUSED);
            assertThat(worked(store, 29)).isEmpty();
            // the next outage counts from its own start
            assertThat(failed(store, 31, REFUSED)).isEmpty();
            assertThat(failed(store, 60, REFUSED)).isEmpty();
            assertThat(failed(store, 61, REFUSED)).hasValueSatisfying(n -> assertThat(n.since())
                    .isEqualTo(T0.plus(Duration.ofMinutes(31))));
            assertThat(new Outbox(store).pending()).hasSize(2);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDb.Kind.class)
    void eachScopeProblemIsAnnouncedOnceAndAgainOnlyWhenItComesBack(TestDb.Kind kind) throws Exception {
        Coverage.Problem typo = problem("unknown-key:k-prdo", "unknown key \"k-prdo\"; did you mean `k-prod`?");
        Coverage.Problem off = problem("disabled-key:k-off", "key \"k-off\" is disabled in UCloud");
        try (TestDb db = TestDb.create(kind, tmp); StateStore store = StateStore.open(db.config())) {
            assertThat(review(store, 0, typo, off)).extracting(Notice::detail).containsExactly(typo.message(),
                    off.message());
            assertThat(review(store, 5, typo, off)).isEmpty();
            assertThat(review(store, 10, off)).isEmpty();
            assertThat(review(store, 15, typo, off)).extracting(Notice::detail, Notice::since)
                    .containsExactly(tuple(typo.message(), T0.plus(Duration.ofMinutes(15))));
            assertThat(new Outbox(store).pending()).extracting(OutboxEntry::channel, e -> e.message().subject())
                    .containsExactly(
                            tuple("ops", "[budgetbot] team is misconfigured: " + typo.message()),
                            tuple("mail", "[budgetbot] team is misconfigured: " + typo.message()),
                            tuple("ops", "[budgetbot] team is misconfigured: " + off.message()),
                            tuple("mail", "[budgetbot] team is misconfigured: " + off.message()),
                            tuple("ops", "[budgetbot] team is misconfigured: " + typo.message()),
                            tuple("mail", "[budgetbot] team is misconfigured: " + typo.message()));
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDb.Kind.class)
    void twoInstancesFailingAtTheSameMomentAnnounceTheOutageOnce(TestDb.Kind kind) throws Exception {
        try (TestDb db = TestDb.create(kind, tmp); StateStore a = StateStore.open(db.config());
             StateStore b = StateStore.open(db.config())) {
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                CyclicBarrier start = new CyclicBarrier(2);
                List<Future<Integer>> runs = new ArrayList<>();
                for (StateStore store : List.of(a, b)) {
                    runs.add(pool.submit((Callable<Integer>) () -> {
                        int announced = 0;
                        for (int minute : new int[]{0, 15, 30, 45}) {
                            start.await();
                            announced += failed(store, minute, REFUSED).isPresent() ? 1 : 0;
                        }
                        return announced;
                    }));
                }
                assertThat(runs.get(0).get() + runs.get(1).get()).isEqualTo(1);
            } finally {
                pool.shutdownNow();
            }
            assertThat(new Outbox(a).pending()).hasSize(2);
        }
    }

    private static Optional<Notice> failed(StateStore store, int minute, String error) {
        Instant now = T0.plus(Duration.ofMinutes(minute));
        return store.usageUnavailable(RULE, error, now, ZONE, new Outbox(store).announcer(NoticeFormatter::format, now));
    }

    private static Optional<Notice> worked(StateStore store, int minute) {
        Instant now = T0.plus(Duration.ofMinutes(minute));
        return store.usageAvailable(RULE, now, ZONE, new Outbox(store).announcer(NoticeFormatter::format, now));
    }

    private static List<Notice> review(StateStore store, int minute, Coverage.Problem... problems) {
        Instant now = T0.plus(Duration.ofMinutes(minute));
        return store.reviewScope(RULE, List.of(problems), now, ZONE,
                new Outbox(store).announcer(NoticeFormatter::format, now));
    }

    private static Coverage.Problem problem(String cause, String message) {
        return new Coverage.Problem(cause, new Located("k", "rules[0].keys[0]", 5, 12), message);
    }
}

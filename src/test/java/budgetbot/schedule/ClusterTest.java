package budgetbot.schedule;

import budgetbot.app.App;
import budgetbot.delivery.Lessee;
import budgetbot.notify.Message;
import budgetbot.simulator.Fault;
import budgetbot.testing.PgSchema;
import budgetbot.time.Backoff;
import budgetbot.time.Jitter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quartz.TriggerKey;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Date;
import java.util.Deque;
import java.util.List;
import java.util.stream.Stream;

import static budgetbot.schedule.TestBot.EVERY_SECOND;
import static budgetbot.schedule.TestBot.NEVER;
import static budgetbot.schedule.TestBot.RULE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Two instances of a Quartz cluster on one PostgreSQL schema, as two processes would run it. */
class ClusterTest {
    static final Instant MORNING = Instant.parse("2026-04-02T00:30:00Z");
    static final Duration OUTBOX = Duration.ofSeconds(1);
    /** Both instances look for work every second, so that they compete for every fire. */
    static final Duration IDLE_WAIT = Duration.ofSeconds(1);

    @TempDir
    Path dir;

    PgSchema pg;
    TestBot bot;
    /** Closed last-opened first. */
    final Deque<AutoCloseable> open = new ArrayDeque<>();

    @BeforeEach
    void database() throws SQLException {
        pg = PgSchema.create();
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
        if (bot != null) {
            bot.close();
        }
        // null when the test was skipped for want of a PostgreSQL
        if (pg != null) {
            pg.close();
        }
    }

    @Test
    void startsOnQuartzTablesItCreatesInTheStateDatabase() throws Exception {
        bot = TestBot.clustered(dir, MORNING, pg.url()).write(NEVER, NEVER, "");
        App app = open(bot.open(bot.load(), Recorder.open()));
        BotScheduler scheduler = open(BotScheduler.start(app, OUTBOX));

        assertThat(scheduler.quartz().getMetaData().isJobStoreClustered()).isTrue();
        assertThat(scheduler.quartz().getMetaData().isJobStoreSupportsPersistence()).isTrue();
        assertThat(query(app, "SELECT job_name FROM qrtz_job_details ORDER BY job_name"))
                .containsExactlyInAnyOrder("outbox", "retention", "discovery", "rule:" + RULE, "digest:" + TestBot.DIGEST);
        assertThat(query(app, "SELECT instance_name FROM qrtz_scheduler_state"))
                .containsExactly(scheduler.quartz().getSchedulerInstanceId());
    }

    @Test
    void eachFireRunsOnOneInstanceAnAlertIsAnnouncedOnceAndTheOtherTakesOver() throws Exception {
        bot = TestBot.clustered(dir, MORNING, pg.url()).write(EVERY_SECOND, NEVER, "");
        Recorder first = Recorder.open();
        Recorder second = Recorder.open();
        BotScheduler a = open(BotScheduler.start(open(bot.open(bot.load(), first)), OUTBOX, IDLE_WAIT, DigestRetry.DEFAULT));
        Date ruleStart = a.quartz().getTrigger(TriggerKey.triggerKey("rule:" + RULE, BotScheduler.GROUP)).getStartTime();
        BotScheduler b = open(BotScheduler.start(open(bot.open(bot.load(), second)), OUTBOX, IDLE_WAIT, DigestRetry.DEFAULT));
        Fires onA = Fires.on(a);
        Fires onB = Fires.on(b);

        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .until(() -> onA.of("rule:" + RULE).size() + onB.of("rule:" + RULE).size() >= 4);
        a.close();
        int bBefore = onB.of("rule:" + RULE).size();
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .until(() -> onB.of("rule:" + RULE).size() >= bBefore + 2);
        b.close();

        List<Fires.Fire> fires = Stream.concat(onA.of("rule:" + RULE).stream(), onB.of("rule:" + RULE).stream()).toList();
        assertThat(fires).extracting(Fires.Fire::scheduled).doesNotHaveDuplicates();
        assertThat(fires).noneMatch(Fires.Fire::failed);
        List<Message> sent = Stream.concat(first.sent().stream(), second.sent().stream()).toList();
        assertThat(sent).isNotEmpty().extracting(Message::subject).doesNotHaveDuplicates();
        assertThat(a.quartz().getSchedulerInstanceId()).isNotEqualTo(b.quartz().getSchedulerInstanceId());
        // the second instance joined without resetting the shared trigger
        try (App check = bot.open(bot.load(), Recorder.open())) {
            assertThat(query(check, "SELECT start_time FROM qrtz_triggers WHERE trigger_name = 'rule:" + RULE + "'"))
                    .containsExactly(String.valueOf(ruleStart.getTime()));
        }
    }

    @Test
    void aDigestThatFailedIsTriedAgainThroughTheSharedJobStore() throws Exception {
        bot = TestBot.clustered(dir, MORNING, pg.url()).write(NEVER, NEVER, "");
        Recorder ops = Recorder.open();
        BotScheduler scheduler = open(BotScheduler.start(open(bot.open(bot.load(), ops)), OUTBOX, IDLE_WAIT,
                new DigestRetry(new Backoff(Duration.ofMillis(300), Duration.ofMillis(300), Duration.ZERO), Jitter.NONE)));
        Fires fires = Fires.on(scheduler);
        bot.sim.faults().enqueue(Fault.of(Fault.Kind.HTTP500), 100_000);

        scheduler.quartz().triggerJob(BotScheduler.digestKey(TestBot.DIGEST));
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(10))
                .until(() -> fires.of("digest:" + TestBot.DIGEST).stream().anyMatch(Fires.Fire::failed));
        bot.sim.faults().clear();

        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .until(() -> !ops.sent("digest").isEmpty());
        assertThat(ops.sent("digest")).hasSize(1);
    }

    /**
     * An instance that died holding leases: Quartz no longer lists it, so a live instance sends what it leased
     * at once; what an instance Quartz still lists has leased stays with it.
     */
    @Test
    void deliveriesLeasedByAnInstanceThatIsGoneAreSentWithoutWaitingForTheLease() throws Exception {
        bot = TestBot.clustered(dir, MORNING, pg.url()).write(NEVER, NEVER, "");
        Recorder ops = Recorder.open();
        App app = open(bot.open(bot.load(), ops));
        app.store().ensureQuartzSchema();
        execute(app, "INSERT INTO qrtz_scheduler_state (sched_name, instance_name, last_checkin_time, checkin_interval)"
                + " VALUES ('budgetbot', 'other-host-alive', " + System.currentTimeMillis() + ", 600000)");
        for (String subject : List.of("leased by a dead instance", "leased by a live instance")) {
            app.outbox().enqueue(subject, "ops", new Message("alert", subject, "t", "t", "<p>h</p>", "[]", List.of()),
                    MORNING.minusSeconds(60));
        }
        app.outbox().claimDue(MORNING.minusSeconds(60), Duration.ofMinutes(5), 1, Lessee.scheduler("dead-host-1"));
        app.outbox().claimDue(MORNING.minusSeconds(60), Duration.ofMinutes(5), 1, Lessee.scheduler("other-host-alive"));

        open(BotScheduler.start(app, OUTBOX, IDLE_WAIT, DigestRetry.DEFAULT));

        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() -> !ops.sent().isEmpty());
        Thread.sleep(3 * OUTBOX.toMillis());
        assertThat(ops.sent()).extracting(Message::subject).containsExactly("leased by a dead instance");
        assertThat(app.outbox().pending()).extracting(e -> e.message().subject())
                .containsExactly("leased by a live instance");
    }

    private <T extends AutoCloseable> T open(T closeable) {
        open.push(closeable);
        return closeable;
    }

    private static void execute(App app, String sql) throws SQLException {
        try (Connection c = app.store().dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static List<String> query(App app, String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = app.store().dataSource().getConnection(); Statement s = c.createStatement();
             var rs = s.executeQuery(sql)) {
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
        }
        return rows;
    }
}

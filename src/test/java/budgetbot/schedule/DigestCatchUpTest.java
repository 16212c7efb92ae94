package budgetbot.schedule;

import budgetbot.app.App;
import budgetbot.app.DigestService;
import budgetbot.config.DigestConfig;
import budgetbot.simulator.Simulator;
import budgetbot.time.PeriodCalendar;
import budgetbot.time.PeriodUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.quartz.SchedulerException;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;

import static budgetbot.schedule.TestBot.DIGEST;
import static budgetbot.schedule.TestBot.NEVER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A restart after a digest's time sends the digest it missed, once; the first start of a new installation sends
 * none for a period that ended before it.
 */
class DigestCatchUpTest {
    static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
    static final Duration OUTBOX = Duration.ofSeconds(1);

    @TempDir
    Path dir;

    TestBot bot;

    @AfterEach
    void stop() {
        if (bot != null) {
            bot.close();
        }
    }

    @ParameterizedTest(name = "\"{0}\" per {1} at {2}: first fire {3}")
    @CsvSource({
            "0 0 9 * * ?,   DAY,   2026-04-02T09:00:01, 2026-04-02T09:00:00",
            "0 0 9 * * ?,   DAY,   2026-04-02T09:00:00, 2026-04-02T09:00:00",
            "0 0 9 * * ?,   DAY,   2026-04-02T08:59:59, ",
            "0 0 9 * * ?,   DAY,   2026-04-02T23:59:59, 2026-04-02T09:00:00",
            "0 0 0 * * ?,   DAY,   2026-04-02T00:00:00, 2026-04-02T00:00:00",
            "0 0 9 ? * MON, WEEK,  2026-04-01T10:00:00, 2026-03-30T09:00:00",
            "0 0 9 ? * MON, WEEK,  2026-03-30T08:00:00, ",
            "0 0 9 1 * ?,   MONTH, 2026-04-15T00:00:00, 2026-04-01T09:00:00",
            "0 0 9 1 * ?,   MONTH, 2026-04-01T08:00:00, ",
            "0 5 * * * ?,   HOUR,  2026-04-02T10:04:59, ",
            "0 5 * * * ?,   HOUR,  2026-04-02T10:05:00, 2026-04-02T10:05:00",
    })
    void firstFireThisPeriodIsTheCronsFirstFireAtOrAfterThePeriodStartUpToNow(String cron, PeriodUnit period,
                                                                              LocalDateTime now, LocalDateTime fire) {
        DigestConfig digest = new DigestConfig("d", cron, period, List.of("r"), List.of(), List.of(), List.of("ops"), 5);

        assertThat(DigestCatchUp.firstFireThisPeriod(digest, PeriodCalendar.of(SHANGHAI), shanghai(now)))
                .isEqualTo(Optional.ofNullable(fire).map(this::shanghai));
    }

    /** Starts the scheduler, which catches up the missed digest, and waits until it was sent. */
    private static void catchesUpTheDigest(App app, Recorder ops) throws SchedulerException {
        BotScheduler scheduler = BotScheduler.start(app, OUTBOX);
        try {
            assertThat(scheduler.caughtUp()).containsExactly(DIGEST);
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                    .until(() -> !ops.sent("digest").isEmpty());
        } finally {
            scheduler.close();
        }
    }

    @Test
    void aStartAfterTheDigestTimeSendsTheMissedDigestAndTheNextStartDoesNot() throws SchedulerException {
        bot = TestBot.inMemory(dir, shanghai(LocalDateTime.parse("2026-04-02T09:00:01"))).write(NEVER, "0 0 9 * * ?", "");
        Recorder ops = Recorder.open();

        try (App app = bot.open(bot.load(), ops)) {
            installedTheWeekBefore(app);
            catchesUpTheDigest(app, ops);
        }
        long usageRequests = usageRequests(bot);
        try (App app = bot.open(bot.load(), ops)) {
            BotScheduler.start(app, OUTBOX).close();
        }

        assertThat(ops.sent("digest")).hasSize(1);
        // it was not even built again (the start still lists the project's keys)
        assertThat(usageRequests(bot)).isEqualTo(usageRequests);
    }

    @Test
    void aDigestCaughtUpSaysHowLateItIsAndWhy() throws SchedulerException {
        bot = TestBot.inMemory(dir, shanghai(LocalDateTime.parse("2026-04-02T11:30:00"))).write(NEVER, "0 0 9 * * ?", "");
        Recorder ops = Recorder.open();

        try (App app = bot.open(bot.load(), ops)) {
            installedTheWeekBefore(app);
            BotScheduler scheduler = BotScheduler.start(app, OUTBOX);
            try {
                await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                        .until(() -> !ops.sent("digest").isEmpty());
            } finally {
                scheduler.close();
            }
        }

        assertThat(ops.sent("digest")).singleElement().satisfies(m -> assertThat(m.text())
                .contains("Sent 2h 30m late: budgetbot was not running at 09:00."));
    }

    @Test
    void aStartBeforeTheDigestTimeSendsNothing() throws SchedulerException {
        bot = TestBot.inMemory(dir, shanghai(LocalDateTime.parse("2026-04-02T08:59:59"))).write(NEVER, "0 0 9 * * ?", "");

        try (App app = bot.open(bot.load(), Recorder.open())) {
            installedTheWeekBefore(app);
            BotScheduler scheduler = BotScheduler.start(app, OUTBOX);
            scheduler.close();

            assertThat(scheduler.caughtUp()).isEmpty();
        }
    }

    @Test
    void aDigestSentByHandIsNotSentAgainOnStart() throws SchedulerException {
        Instant now = shanghai(LocalDateTime.parse("2026-04-02T10:00:00"));
        bot = TestBot.inMemory(dir, now).write(NEVER, "0 0 9 * * ?", "");

        try (App app = bot.open(bot.load(), Recorder.open())) {
            installedTheWeekBefore(app);
            new DigestService(app).send(app.config().digest(DIGEST).orElseThrow(), now, false);
            BotScheduler scheduler = BotScheduler.start(app, OUTBOX);
            scheduler.close();

            assertThat(scheduler.caughtUp()).isEmpty();
        }
    }

    /** The daily digest of 1 April is owed by nobody who first started on 2 April at 11:30; that of 2 April is. */
    @Test
    void aNewInstallationSendsNoDigestOfAPeriodThatEndedBeforeItsFirstStartButCatchesUpTheNextOne()
            throws SchedulerException {
        Instant firstStart = shanghai(LocalDateTime.parse("2026-04-02T11:30:00"));
        Recorder ops = Recorder.open();
        bot = TestBot.inMemory(dir, firstStart).write(NEVER, "0 0 9 * * ?", "");
        try (App app = bot.open(bot.load(), ops)) {
            BotScheduler first = BotScheduler.start(app, OUTBOX);
            first.close();
            BotScheduler again = BotScheduler.start(app, OUTBOX);
            again.close();

            assertThat(first.caughtUp()).as("the first start").isEmpty();
            assertThat(again.caughtUp()).as("a restart the same day").isEmpty();
        }
        bot.close();
        // the next day's 09:00 came and went while it was down
        Instant nextDay = firstStart.plus(Duration.ofDays(1));
        bot = TestBot.inMemory(dir, nextDay).write(NEVER, "0 0 9 * * ?", "");
        try (App app = bot.open(bot.load(), ops)) {
            catchesUpTheDigest(app, ops);
            assertThat(app.store().firstStart(nextDay)).isEqualTo(firstStart);
        }
        assertThat(ops.sent("digest")).singleElement().satisfies(m -> assertThat(m.text()).contains("Thu 2 Apr 2026"));
    }

    /** The restarts above are of an installation that first ran the week before. */
    private static void installedTheWeekBefore(App app) {
        app.store().firstStart(app.clock().instant().minus(Duration.ofDays(7)));
    }

    private Instant shanghai(LocalDateTime t) {
        return t.atZone(SHANGHAI).toInstant();
    }

    private static long usageRequests(TestBot bot) {
        return bot.sim.requests().stream().filter(r -> Simulator.TOKEN_USAGE.equals(r.get("Action"))).count();
    }
}

package budgetbot.schedule;

import budgetbot.app.App;
import budgetbot.simulator.Fault;
import budgetbot.testing.MutableClock;
import budgetbot.time.Backoff;
import budgetbot.time.Jitter;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quartz.SchedulerException;
import org.quartz.Trigger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.stream.IntStream;

import static budgetbot.schedule.TestBot.DIGEST;
import static budgetbot.schedule.TestBot.NEVER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A digest that cannot be made at its time is tried again within its period, and says how late it is and why. */
class DigestRetryTest {
    static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
    static final Duration OUTBOX = Duration.ofSeconds(1);
    /** Long enough between attempts for the test to act between two of them. */
    static final DigestRetry FAST = new DigestRetry(new Backoff(Duration.ofMillis(300), Duration.ofMillis(600),
            Duration.ZERO), Jitter.NONE);
    static final String JOB = BotScheduler.digestKey(DIGEST).getName();

    @TempDir
    Path dir;

    TestBot bot;
    App app;
    BotScheduler scheduler;
    final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    final Logger logger = (Logger) LoggerFactory.getLogger(DigestJob.class);
    final Logger jobs = (Logger) LoggerFactory.getLogger(Jobs.class);

    @BeforeEach
    void listen() {
        logged.start();
        logger.addAppender(logged);
        // the failures this test provokes are asserted, not printed
        logger.setAdditive(false);
        jobs.setLevel(Level.OFF);
    }

    @AfterEach
    void stop() throws SchedulerException {
        logger.detachAppender(logged);
        logger.setAdditive(true);
        jobs.setLevel(null);
        if (scheduler != null) {
            scheduler.close();
        }
        if (app != null) {
            app.close();
        }
        if (bot != null) {
            bot.close();
        }
    }

    /** The digest's 09:00 fire, as of {@code clock}, with UCloud failing every request until the test clears it. */
    private Fires fireWhileUCloudIsDown(MutableClock clock, Recorder ops) throws SchedulerException {
        bot = TestBot.inMemory(dir, clock).write(NEVER, NEVER, "");
        app = bot.open(bot.load(), ops);
        scheduler = BotScheduler.start(app, OUTBOX, Duration.ofSeconds(30), FAST);
        Fires fires = Fires.on(scheduler);
        bot.sim.faults().enqueue(Fault.of(Fault.Kind.HTTP500), 100_000);
        scheduler.quartz().triggerJob(BotScheduler.digestKey(DIGEST));
        return fires;
    }

    private static long failed(Fires fires) {
        return fires.of(JOB).stream().filter(Fires.Fire::failed).count();
    }

    @Test
    void aDigestUCloudCouldNotServeAtItsTimeIsTriedAgainUntilItIsSentAndSaysHowLateAndWhy() throws Exception {
        MutableClock clock = new MutableClock(shanghai("2026-04-02T09:00:00"));
        Recorder ops = Recorder.open();
        Fires fires = fireWhileUCloudIsDown(clock, ops);

        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(10)).until(() -> failed(fires) >= 2);
        // between two attempts: UCloud is back 2h10m after the digest's time
        clock.advance(Duration.ofMinutes(130));
        bot.sim.faults().clear();
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                .until(() -> !ops.sent("digest").isEmpty());

        assertThat(ops.sent("digest")).singleElement().satisfies(m -> assertThat(m.text())
                .contains("Sent 2h 10m late: usage could not be fetched from UCloud at 09:00."));
        assertThat(logged.list).filteredOn(e -> e.getLevel() == Level.WARN).first()
                .satisfies(e -> assertThat(e.getFormattedMessage()).startsWith("digest daily due at "
                        + shanghai("2026-04-02T09:00:00") + " is not sent yet (usage could not be fetched from "
                        + "UCloud): attempt 2 at "));
        assertThat(logged.list).noneMatch(e -> e.getLevel() == Level.ERROR);
        await().atMost(Duration.ofSeconds(5)).until(() -> scheduler.quartz()
                .getTriggersOfJob(BotScheduler.digestKey(DIGEST)).stream().map(Trigger::getKey)
                .allMatch(k -> k.getName().equals(JOB)));
    }

    @Test
    void aDigestStillFailingWhenItsPeriodEndsIsGivenUpLoudly() throws Exception {
        Instant lastMoment = shanghai("2026-04-02T23:59:59.900");
        Fires fires = fireWhileUCloudIsDown(new MutableClock(lastMoment), Recorder.open());

        await().atMost(Duration.ofSeconds(20)).until(() -> failed(fires) >= 1);

        assertThat(logged.list).singleElement().satisfies(e -> {
            assertThat(e.getLevel()).isEqualTo(Level.ERROR);
            assertThat(e.getFormattedMessage()).startsWith("digest daily due at " + lastMoment + " was NOT sent: 1 "
                    + "attempts failed (usage could not be fetched from UCloud; last: ").endsWith(
                    ") and its period ends before another one");
        });
        assertThat(scheduler.quartz().getTriggersOfJob(BotScheduler.digestKey(DIGEST))).as("no attempt scheduled")
                .extracting(t -> t.getKey().getName()).containsExactly(JOB);
    }

    @Test
    void eachAttemptWaitsTwiceAsLongAsTheOneBeforeUpToTheMaximum() {
        DigestRetry retry = new DigestRetry(Backoff.DIGEST, Jitter.NONE);

        assertThat(IntStream.rangeClosed(1, 6).mapToObj(retry::delay).map(Duration::toMinutes))
                .containsExactly(1L, 2L, 4L, 8L, 15L, 15L);
        assertThat(retry.delay(1000)).isEqualTo(Duration.ofMinutes(15));
        assertThat(DigestRetry.DEFAULT.backoff()).isEqualTo(Backoff.DIGEST);
        assertThat(DigestRetry.DEFAULT.jitter()).as("production spreads retries").isSameAs(Jitter.RANDOM);
    }

    private static Instant shanghai(String localDateTime) {
        return LocalDateTime.parse(localDateTime).atZone(SHANGHAI).toInstant();
    }
}

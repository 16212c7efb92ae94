package budgetbot.schedule;

import budgetbot.app.App;
import budgetbot.state.StateException;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quartz.SchedulerException;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

import static budgetbot.schedule.TestBot.NEVER;
import static budgetbot.schedule.TestBot.RULE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code run}'s reload: a valid change swaps the app and the jobs, an invalid one keeps the last good config. */
class ConfigWatchTest {
    static final Instant MORNING = Instant.parse("2026-04-02T00:30:00Z");

    @TempDir
    Path dir;

    TestBot bot;
    ConfigWatch watch;
    final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    final Logger logger = (Logger) LoggerFactory.getLogger(ConfigWatch.class);

    /** Set to make opening the next app fail, as an unreachable database would. */
    final AtomicBoolean databaseDown = new AtomicBoolean();
    /** Set to make the next app's database fail once it is open, as one that goes away in between would. */
    final AtomicBoolean databaseGone = new AtomicBoolean();

    @BeforeEach
    void start() throws SchedulerException {
        logged.start();
        logger.addAppender(logged);
        // the errors this test provokes are asserted, not printed
        logger.setAdditive(false);
        bot = TestBot.inMemory(dir, MORNING).write(NEVER, NEVER, "");
        watch = ConfigWatch.start(bot.file, bot::load, cfg -> {
            if (databaseDown.get()) {
                throw new StateException("cannot open the state database", null);
            }
            App app = bot.open(cfg, Recorder.open());
            if (databaseGone.get()) {
                app.store().close();
            }
            return app;
        }, Duration.ofSeconds(15));
    }

    @AfterEach
    void stop() {
        logger.detachAppender(logged);
        logger.setAdditive(true);
        watch.close();
        bot.close();
    }

    @Test
    void anUnchangedFileIsNoReload() {
        App before = watch.app();

        assertThat(watch.poll()).isFalse();
        assertThat(watch.app()).isSameAs(before);
    }

    @Test
    void aValidChangeSwapsTheAppAndReschedules() throws SchedulerException {
        App before = watch.app();
        BotScheduler scheduler = watch.scheduler();
        bot.write(NEVER, NEVER, "batch");

        assertThat(watch.poll()).isTrue();

        assertThat(watch.app()).isNotSameAs(before);
        assertThat(watch.app().config().rule("batch")).isPresent();
        assertThat(watch.scheduler().quartz().checkExists(BotScheduler.ruleKey("batch"))).isTrue();
        assertThat(watch.scheduler().quartz().isStarted()).isTrue();
        assertThat(scheduler.quartz().isShutdown()).isTrue();
        // the old app is closed once its jobs are done
        assertThatThrownBy(() -> before.outbox().pending()).isInstanceOf(StateException.class);
        assertThat(watch.poll()).isFalse();
    }

    @Test
    void anInvalidChangeIsLoggedAndTheLastGoodConfigKeepsRunning() throws SchedulerException {
        App before = watch.app();
        BotScheduler scheduler = watch.scheduler();
        bot.write(NEVER.replace("2099", "every day"), NEVER, "batch");

        assertThat(watch.poll()).isFalse();

        assertThat(watch.app()).isSameAs(before);
        assertThat(watch.scheduler()).isSameAs(scheduler);
        assertThat(scheduler.quartz().checkExists(BotScheduler.ruleKey(RULE))).isTrue();
        assertThat(scheduler.quartz().isShutdown()).isFalse();
        assertThat(logged.list).singleElement().satisfies(e -> assertThat(e.getFormattedMessage())
                .contains("changed but is invalid; still running the last good configuration")
                .contains("rules[0].schedule").contains("invalid cron expression"));

        bot.write(NEVER, NEVER, "batch");
        assertThat(watch.poll()).isTrue();
        assertThat(watch.app().config().rule("batch")).isPresent();
    }

    @Test
    void aChangeThatFailedForAPassingReasonIsTriedAgain() {
        App before = watch.app();
        bot.write(NEVER, NEVER, "batch");
        databaseDown.set(true);

        assertThat(watch.poll()).isFalse();
        assertThat(watch.app()).isSameAs(before);
        assertThat(logged.list).singleElement().satisfies(e -> assertThat(e.getFormattedMessage())
                .contains("cannot be used yet").contains("cannot open the state database"));

        databaseDown.set(false);
        assertThat(watch.poll()).isTrue();
        assertThat(watch.app().config().rule("batch")).isPresent();
    }

    @Test
    void aChangeThatStartsNeitherItsConfigurationNorTheLastGoodOneStopsTheWatchAndSaysWhy() throws SchedulerException {
        // a digest whose time has come today: starting either scheduler reads the outbox to catch it up
        bot.write(NEVER, "0 0 0 * * ?", "");
        assertThat(watch.poll()).isTrue();
        bot.write(NEVER, "0 0 0 * * ?", "batch");
        databaseGone.set(true);
        watch.app().store().close();

        assertThatThrownBy(() -> watch.poll()).isInstanceOf(ConfigWatch.Stopped.class)
                .hasMessageContaining(bot.file + " changed and its configuration did not start (")
                .hasMessageContaining("), nor did the last good configuration again (")
                .hasMessageContaining("has been closed")
                .hasMessageEndingWith("): no job can run");

        assertThat(watch.scheduler().quartz().isShutdown()).isTrue();
        assertThat(logged.list).singleElement().satisfies(e -> assertThat(e.getFormattedMessage())
                .contains("changed but its scheduler did not start; starting the last good configuration again"));
        assertThat(watch.poll()).as("a stopped watch does nothing more").isFalse();
        watch.close();
    }

    @Test
    void aClosedWatchNoLongerReloads() {
        watch.close();
        bot.write(NEVER, NEVER, "batch");

        assertThat(watch.poll()).isFalse();
    }
}

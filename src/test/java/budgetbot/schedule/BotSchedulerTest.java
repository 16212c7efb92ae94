package budgetbot.schedule;

import budgetbot.app.App;
import budgetbot.notify.Message;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quartz.CronTrigger;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleTrigger;
import org.quartz.TriggerKey;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static budgetbot.schedule.TestBot.DIGEST;
import static budgetbot.schedule.TestBot.EVERY_SECOND;
import static budgetbot.schedule.TestBot.NEVER;
import static budgetbot.schedule.TestBot.RULE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The in-memory scheduler against the simulator, with cron schedules of a second. */
class BotSchedulerTest {
    /** 08:30 in Shanghai: before the daily 09:00 digest, so no catch-up gets in the way. */
    static final Instant MORNING = Instant.parse("2026-04-02T00:30:00Z");
    static final Duration OUTBOX = Duration.ofSeconds(1);

    @TempDir
    Path dir;

    TestBot bot;
    App app;
    BotScheduler scheduler;

    @AfterEach
    void stop() throws SchedulerException {
        if (scheduler != null) {
            scheduler.close();
        }
        if (app != null) {
            app.close();
        }
        bot.close();
    }

    @Test
    void schedulesEachRuleAndDigestOnItsCronInTheConfiguredTimezone() throws SchedulerException {
        start("0 */5 * * * ?", "0 0 9 * * ?", Recorder.open());
        Scheduler quartz = scheduler.quartz();

        CronTrigger rule = (CronTrigger) quartz.getTrigger(TriggerKey.triggerKey("rule:" + RULE, BotScheduler.GROUP));
        CronTrigger digest = (CronTrigger) quartz.getTrigger(TriggerKey.triggerKey("digest:" + DIGEST, BotScheduler.GROUP));
        SimpleTrigger outbox = (SimpleTrigger) quartz.getTrigger(TriggerKey.triggerKey("outbox", BotScheduler.GROUP));

        assertThat(rule.getCronExpression()).isEqualTo("0 */5 * * * ?");
        assertThat(rule.getMisfireInstruction()).isEqualTo(CronTrigger.MISFIRE_INSTRUCTION_DO_NOTHING);
        assertThat(digest.getTimeZone().getID()).isEqualTo("Asia/Shanghai");
        assertThat(digest.getMisfireInstruction()).isEqualTo(CronTrigger.MISFIRE_INSTRUCTION_FIRE_ONCE_NOW);
        ZonedDateTime nextDigest = digest.getNextFireTime().toInstant().atZone(ZoneId.of("Asia/Shanghai"));
        assertThat(List.of(nextDigest.getHour(), nextDigest.getMinute(), nextDigest.getSecond())).containsExactly(9, 0, 0);
        assertThat(outbox.getRepeatInterval()).isEqualTo(OUTBOX.toMillis());
        CronTrigger retention = (CronTrigger) quartz.getTrigger(TriggerKey.triggerKey("retention", BotScheduler.GROUP));
        assertThat(retention.getCronExpression()).isEqualTo("0 17 * * * ?");
        // keys and models are listed at start (a one-off trigger) and then every ucloud.discoveryInterval
        SimpleTrigger discovery = (SimpleTrigger) quartz.getTrigger(TriggerKey.triggerKey("discovery", BotScheduler.GROUP));
        assertThat(discovery.getRepeatInterval()).isEqualTo(Duration.ofHours(1).toMillis());
        assertThat(discovery.getStartTime().toInstant()).isAfter(Instant.now().plus(Duration.ofMinutes(59)));
        for (JobKey job : List.of(BotScheduler.ruleKey(RULE), BotScheduler.digestKey(DIGEST), JobKey.jobKey("outbox", BotScheduler.GROUP),
                BotScheduler.DISCOVERY, JobKey.jobKey("retention", BotScheduler.GROUP))) {
            assertThat(quartz.getJobDetail(job).isConcurrentExecutionDisallowed()).as(job.toString()).isTrue();
        }
        assertThat(scheduler.caughtUp()).isEmpty();
    }

    @Test
    void aRuleJobEvaluatesEverySecondAndAnnouncesOnce() throws SchedulerException {
        Recorder ops = Recorder.open();
        start(EVERY_SECOND, NEVER, ops);
        Fires fires = Fires.on(scheduler);

        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                .until(() -> fires.of("rule:" + RULE).size() >= 3);
        scheduler.close();

        assertThat(fires.of("rule:" + RULE)).noneMatch(Fires.Fire::failed);
        assertThat(ops.sent()).isNotEmpty().allMatch(m -> m.kind().equals("alert"));
        assertThat(ops.sent().stream().map(Message::subject)).doesNotHaveDuplicates();
        assertThat(app.outbox().pending()).isEmpty();
    }

    @Test
    void theOutboxJobDeliversWhatOthersQueued() throws SchedulerException {
        Recorder ops = Recorder.open();
        start(NEVER, NEVER, ops);

        app.outbox().enqueue("test|1", "ops", new Message("alert", "queued by a check", "text", "text", "<p>html</p>", "[]",
                List.of()), MORNING);

        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> !ops.sent().isEmpty());
        assertThat(ops.sent()).extracting(Message::subject).containsExactly("queued by a check");
    }

    /**
     * run's start evaluates every rule as a dry run, so that the status page and /healthz know each one's standing
     * in seconds, not at its first cron fire, while the cron's fires stay the checks that announce; a rule whose cron
     * fires within a minute is left to it.
     */
    @Test
    void checkingEveryRuleLeavesARuleWhoseCronFiresWithinAMinuteToIt() throws SchedulerException {
        Recorder ops = Recorder.open();
        bot = TestBot.inMemory(dir, MORNING).write(EVERY_SECOND, NEVER, "batch");
        app = bot.open(bot.load(), ops);
        scheduler = BotScheduler.start(app, OUTBOX);

        assertThat(scheduler.checkEveryRule()).containsExactly("batch");
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                .until(() -> app.telemetry().evaluations().of("batch").isPresent());
        assertThat(app.telemetry().evaluations().of("batch").orElseThrow().findings()).as("over its budget")
                .isNotEmpty();
        assertThat(app.store().lastEvaluated(List.of("batch"))).as("a dry run records nothing").isEmpty();
        assertThat(app.outbox().pending()).noneMatch(e -> e.message().text().contains("batch"));
        assertThat(ops.sent()).noneMatch(m -> m.text().contains("batch"));
    }

    @Test
    void closeWaitsForARunningJob() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        Recorder ops = Recorder.gated(gate);
        start(EVERY_SECOND, NEVER, ops);
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20)).until(ops::entered);

        CompletableFuture<Void> closing = CompletableFuture.runAsync(() -> {
            try {
                scheduler.close();
            } catch (SchedulerException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThatThrownBy(() -> closing.get(300, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
        gate.countDown();
        closing.get(10, TimeUnit.SECONDS);

        assertThat(ops.sent()).isNotEmpty();
        assertThat(app.outbox().pending()).isEmpty();
    }

    @Test
    void twoSchedulersInOneJvmKeepTheirOwnJobs() throws Exception {
        start(NEVER, NEVER, Recorder.open());
        try (TestBot other = TestBot.inMemory(dir.resolve("other"), MORNING).write(NEVER, NEVER, "batch");
             App otherApp = other.open(other.load(), Recorder.open())) {
            BotScheduler second = BotScheduler.start(otherApp, OUTBOX);
            try {
                assertThat(second.quartz()).isNotSameAs(scheduler.quartz());
                assertThat(second.quartz().checkExists(BotScheduler.ruleKey("batch"))).isTrue();
                assertThat(scheduler.quartz().checkExists(BotScheduler.ruleKey("batch"))).isFalse();
            } finally {
                second.close();
            }
            assertThat(scheduler.quartz().isStarted() && !scheduler.quartz().isShutdown()).isTrue();
        }
    }

    private void start(String ruleCron, String digestCron, Recorder ops) throws SchedulerException {
        bot = TestBot.inMemory(dir, MORNING).write(ruleCron, digestCron, "");
        app = bot.open(bot.load(), ops);
        scheduler = BotScheduler.start(app, OUTBOX);
    }
}

package budgetbot.schedule;

import budgetbot.app.App;
import budgetbot.config.BotConfig;
import budgetbot.config.DigestConfig;
import budgetbot.config.RuleConfig;
import org.quartz.CronScheduleBuilder;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.impl.StdSchedulerFactory;
import org.quartz.impl.matchers.GroupMatcher;
import org.quartz.utils.ConnectionProvider;
import org.quartz.utils.DBConnectionManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;
import java.util.TimeZone;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Quartz, set up from the configuration: one job per rule and per digest on its cron, plus the outbox drain.
 * In-memory by default; a JDBC cluster on the state database with {@code state.cluster: true}, where each job runs
 * on one instance at a time.
 */
public final class BotScheduler implements AutoCloseable {
    static final String GROUP = "budgetbot";
    static final String APP_KEY = "budgetbot.app";
    private static final String DATA_SOURCE = "budgetbotState";
    private static final Logger log = LoggerFactory.getLogger(BotScheduler.class);

    private final Scheduler scheduler;
    private final AtomicReference<App> app;

    private BotScheduler(Scheduler scheduler, AtomicReference<App> app) {
        this.scheduler = scheduler;
        this.app = app;
    }

    /** Starts the scheduler; jobs read the current {@link App} from the holder, so a reload can swap it. */
    public static BotScheduler start(AtomicReference<App> app, int outboxSeconds) throws SchedulerException {
        BotConfig cfg = app.get().config();
        StdSchedulerFactory factory = new StdSchedulerFactory(properties(app.get()));
        Scheduler scheduler = factory.getScheduler();
        scheduler.getContext().put(APP_KEY, app);
        BotScheduler bot = new BotScheduler(scheduler, app);
        bot.schedule(cfg, outboxSeconds);
        scheduler.start();
        log.info("scheduler started ({}): {} rules, {} digests", cfg.state().cluster() ? "clustered on " + cfg.state().url() : "in memory",
                cfg.rules().size(), cfg.digests().size());
        return bot;
    }

    /** Replaces every job with those of the current configuration (after a reload). */
    public void reschedule(int outboxSeconds) throws SchedulerException {
        scheduler.deleteJobs(scheduler.getJobKeys(GroupMatcher.jobGroupEquals(GROUP)).stream().toList());
        schedule(app.get().config(), outboxSeconds);
    }

    private void schedule(BotConfig cfg, int outboxSeconds) throws SchedulerException {
        TimeZone tz = TimeZone.getTimeZone(cfg.calendar().zone());
        for (RuleConfig rule : cfg.rules()) {
            JobDetail job = JobBuilder.newJob(RuleJob.class).withIdentity("rule:" + rule.name(), GROUP)
                    .usingJobData(RuleJob.RULE, rule.name()).build();
            // a missed check is not replayed: the next one evaluates the state as it is then
            Trigger trigger = TriggerBuilder.newTrigger().withIdentity("rule:" + rule.name(), GROUP)
                    .withSchedule(CronScheduleBuilder.cronSchedule(rule.schedule()).inTimeZone(tz)
                            .withMisfireHandlingInstructionDoNothing()).build();
            replace(job, trigger);
        }
        for (DigestConfig digest : cfg.digests()) {
            JobDetail job = JobBuilder.newJob(DigestJob.class).withIdentity("digest:" + digest.name(), GROUP)
                    .usingJobData(DigestJob.DIGEST, digest.name()).build();
            // a digest missed while down is sent once on start; the outbox's dedup key keeps it to one
            Trigger trigger = TriggerBuilder.newTrigger().withIdentity("digest:" + digest.name(), GROUP)
                    .withSchedule(CronScheduleBuilder.cronSchedule(digest.schedule()).inTimeZone(tz)
                            .withMisfireHandlingInstructionFireAndProceed()).build();
            replace(job, trigger);
        }
        JobDetail outbox = JobBuilder.newJob(OutboxJob.class).withIdentity("outbox", GROUP).build();
        replace(outbox, TriggerBuilder.newTrigger().withIdentity("outbox", GROUP).startNow()
                .withSchedule(SimpleScheduleBuilder.repeatSecondlyForever(outboxSeconds)
                        .withMisfireHandlingInstructionNextWithRemainingCount()).build());
    }

    private void replace(JobDetail job, Trigger trigger) throws SchedulerException {
        scheduler.scheduleJob(job, java.util.Set.of(trigger), true);
    }

    boolean hasJob(String name) throws SchedulerException {
        return scheduler.checkExists(new JobKey(name, GROUP));
    }

    Scheduler quartz() {
        return scheduler;
    }

    /** Waits for running jobs to finish, then stops. */
    @Override
    public void close() throws SchedulerException {
        scheduler.shutdown(true);
    }

    private static Properties properties(App app) {
        BotConfig cfg = app.config();
        Properties p = new Properties();
        p.setProperty("org.quartz.scheduler.instanceName", "budgetbot");
        p.setProperty("org.quartz.scheduler.instanceId", "AUTO");
        p.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
        p.setProperty("org.quartz.threadPool.threadCount", "4");
        p.setProperty("org.quartz.jobStore.misfireThreshold", "60000");
        if (!cfg.state().cluster()) {
            p.setProperty("org.quartz.jobStore.class", "org.quartz.simpl.RAMJobStore");
            return p;
        }
        app.store().ensureQuartzSchema();
        DBConnectionManager.getInstance().addConnectionProvider(DATA_SOURCE, new StateConnections(app.store().dataSource()));
        p.setProperty("org.quartz.jobStore.class", "org.quartz.impl.jdbcjobstore.JobStoreTX");
        p.setProperty("org.quartz.jobStore.driverDelegateClass", app.store().isPostgres()
                ? "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate" : "org.quartz.impl.jdbcjobstore.StdJDBCDelegate");
        p.setProperty("org.quartz.jobStore.dataSource", DATA_SOURCE);
        p.setProperty("org.quartz.jobStore.tablePrefix", "QRTZ_");
        p.setProperty("org.quartz.jobStore.isClustered", "true");
        p.setProperty("org.quartz.jobStore.clusterCheckinInterval", "5000");
        return p;
    }

    /** Lends Quartz the state database's pool instead of a second one. */
    private record StateConnections(DataSource dataSource) implements ConnectionProvider {
        @Override
        public Connection getConnection() throws SQLException {
            return dataSource.getConnection();
        }

        @Override
        public void shutdown() {
            // the pool belongs to the StateStore, which closes it
        }

        @Override
        public void initialize() {
        }
    }
}

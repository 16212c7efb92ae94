package budgetbot.schedule;

import budgetbot.app.App;
import budgetbot.config.BotConfig;
import budgetbot.config.DigestConfig;
import budgetbot.config.RuleConfig;
import budgetbot.delivery.Dispatcher;
import budgetbot.delivery.Lessee;
import budgetbot.digest.Lateness;
import budgetbot.render.DigestRenderer;
import org.quartz.CronScheduleBuilder;
import org.quartz.CronTrigger;
import org.quartz.DateBuilder;
import org.quartz.Job;
import org.quartz.JobBuilder;
import org.quartz.JobDataMap;
import org.quartz.JobDetail;
import org.quartz.JobKey;
import org.quartz.ScheduleBuilder;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.SimpleTrigger;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;
import org.quartz.impl.SchedulerRepository;
import org.quartz.impl.StdSchedulerFactory;
import org.quartz.impl.matchers.GroupMatcher;
import org.quartz.utils.ConnectionProvider;
import org.quartz.utils.DBConnectionManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TimeZone;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;

/**
 * Quartz, set up from one configuration: a job per rule and per digest on its cron in the configured timezone,
 * plus the outbox drain, the hourly retention purge and the discovery of keys and models (at start and every
 * {@code ucloud.discoveryInterval}). In memory by default; with {@code state.cluster: true} a JDBC cluster on the
 * state database, where each fire runs on one instance.
 */
public final class BotScheduler implements AutoCloseable {
    static final String GROUP = "budgetbot";
    static final String APP_KEY = "budgetbot.app";
    static final String DIGEST_RETRY_KEY = "budgetbot.digestRetry";
    static final JobKey DISCOVERY = new JobKey("discovery", GROUP);
    static final String DISPATCHER_KEY = "budgetbot.dispatcher";
    /** The schedulers of one cluster share this name and the database; their instance ids tell them apart. */
    static final String NAME = "budgetbot";
    private static final int THREADS = 4;
    /** Quartz's default: how long a scheduler with nothing to fire waits before it looks in the job store again. */
    private static final Duration IDLE_WAIT = Duration.ofSeconds(30);
    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    /** Purging is cheap and nothing waits for it: hourly, at a minute no rule's default cron uses. */
    private static final String RETENTION_SCHEDULE = "0 17 * * * ?";
    /** Why a digest caught up at start was not sent at its time, as far as a starting scheduler can tell. */
    /** A rule whose cron fires this soon after a start is left to it, so that it is not checked twice in a row. */
    private static final int FIRST_FIRE_SOON_SECONDS = 60;
    private static final Logger log = LoggerFactory.getLogger(BotScheduler.class);

    private final Scheduler scheduler;
    private final List<String> caughtUp;
    private final List<String> rules;
    /** What this scheduler lent Quartz of the state database (in a cluster); let go when it closes. */
    private final StateConnections connections;

    private BotScheduler(Scheduler scheduler, List<String> caughtUp, List<String> rules,
                         StateConnections connections) {
        this.scheduler = scheduler;
        this.caughtUp = List.copyOf(caughtUp);
        this.rules = List.copyOf(rules);
        this.connections = connections;
    }

    /**
     * Schedules the jobs of {@code app}'s configuration and starts; digests whose run of the current period
     * was missed (the process was down at the time) are run at once, and what a {@code run} that is gone had
     * leased in the outbox is sent with the first drain (see {@link OrphanedLeases}).
     */
    public static BotScheduler start(App app, Duration outboxInterval) throws SchedulerException {
        return start(app, outboxInterval, IDLE_WAIT, DigestRetry.DEFAULT);
    }

    /**
     * {@link #start(App, Duration)} with other waits, which tests shorten.
     *
     * @param idleWait    a cluster instance that finds nothing to fire sleeps this long; tests shorten it to watch
     *                    instances share the work
     * @param digestRetry how a digest that could not be made is tried again
     */
    static BotScheduler start(App app, Duration outboxInterval, Duration idleWait, DigestRetry digestRetry)
            throws SchedulerException {
        Objects.requireNonNull(app, "app");
        if (outboxInterval.toSeconds() < 1) {
            throw new IllegalArgumentException("outbox interval must be at least a second: " + outboxInterval);
        }
        BotConfig cfg = app.config();
        String instanceId = instanceId();
        StateConnections connections = new StateConnections(new AtomicReference<>(app.store().dataSource()));
        Properties properties = properties(app, instanceId, SEQUENCE.incrementAndGet(), connections);
        properties.setProperty("org.quartz.scheduler.idleWaitTime", String.valueOf(idleWait.toMillis()));
        Scheduler scheduler;
        try {
            scheduler = create(properties);
        } catch (SchedulerException | RuntimeException e) {
            connections.release();
            throw e;
        }
        try {
            // the jobs deliver as this instance, so that its leases can be told from those of a run that is gone
            Dispatcher dispatcher = app.dispatcher().leasingAs(Lessee.scheduler(instanceId));
            scheduler.getContext().put(APP_KEY, app);
            scheduler.getContext().put(DIGEST_RETRY_KEY, digestRetry);
            scheduler.getContext().put(DISPATCHER_KEY, dispatcher);
            schedule(scheduler, cfg, outboxInterval);
            List<String> caughtUp = catchUp(scheduler, app);
            OrphanedLeases.releaseAtStart(app, dispatcher);
            // at once, in memory or in a cluster whose stored trigger would fire only at its next interval
            scheduler.triggerJob(DISCOVERY);
            scheduler.start();
            log.info("scheduler started ({}, instance {}): {} rules, {} digests, outbox every {} s",
                    cfg.state().cluster() ? "clustered on PostgreSQL" : "in memory", instanceId,
                    cfg.rules().size(), cfg.digests().size(), outboxInterval.toSeconds());
            return new BotScheduler(scheduler, caughtUp, cfg.rules().stream().map(RuleConfig::name).toList(),
                    connections);
        } catch (SchedulerException | RuntimeException e) {
            scheduler.shutdown(false);
            connections.release();
            throw e;
        }
    }

    /**
     * StdSchedulerFactory hands out the scheduler registered under the configured name in the JVM-global
     * SchedulerRepository, and refuses to create a second one with that name. A cluster needs the same name on
     * every instance, and two instances (or a scheduler and its replacement after a reload) can live in one JVM,
     * so each is taken out of the repository as soon as it exists; the lock keeps another start from finding it
     * there in between. Nothing else looks schedulers up by name.
     */
    private static Scheduler create(Properties properties) throws SchedulerException {
        synchronized (BotScheduler.class) {
            Scheduler scheduler = new StdSchedulerFactory(properties).getScheduler();
            SchedulerRepository.getInstance().remove(scheduler.getSchedulerName());
            return scheduler;
        }
    }

    /**
     * Makes the stored jobs those of {@code cfg}. A trigger that already has the wanted schedule is kept: in a
     * cluster it is shared, and replacing it on every start would reset its next fire time and lose a misfire.
     */
    private static void schedule(Scheduler scheduler, BotConfig cfg, Duration outboxInterval) throws SchedulerException {
        TimeZone tz = TimeZone.getTimeZone(cfg.calendar().zone());
        Map<JobKey, Trigger> wanted = new LinkedHashMap<>();
        Map<JobKey, JobDetail> jobs = new LinkedHashMap<>();
        for (RuleConfig rule : cfg.rules()) {
            JobDetail job = job(RuleJob.class, ruleKey(rule.name()), RuleJob.RULE, rule.name());
            jobs.put(job.getKey(), job);
            // a missed check is not replayed: the next one evaluates the state as it is then
            wanted.put(job.getKey(), trigger(job, CronScheduleBuilder.cronSchedule(rule.schedule()).inTimeZone(tz)
                    .withMisfireHandlingInstructionDoNothing()));
        }
        for (DigestConfig digest : cfg.digests()) {
            JobDetail job = job(DigestJob.class, digestKey(digest.name()), DigestJob.DIGEST, digest.name());
            jobs.put(job.getKey(), job);
            // a missed digest is sent once; the outbox's dedup key keeps it to one per period
            wanted.put(job.getKey(), trigger(job, CronScheduleBuilder.cronSchedule(digest.schedule()).inTimeZone(tz)
                    .withMisfireHandlingInstructionFireAndProceed()));
        }
        JobDetail discovery = JobBuilder.newJob(DiscoveryJob.class).withIdentity(DISCOVERY).build();
        jobs.put(discovery.getKey(), discovery);
        // Quartz counts in real time; the first run is the one triggered at start
        int interval = (int) cfg.ucloud().discoveryInterval().toSeconds();
        wanted.put(discovery.getKey(), trigger(discovery, SimpleScheduleBuilder.simpleSchedule()
                .withIntervalInSeconds(interval).repeatForever()
                .withMisfireHandlingInstructionNextWithRemainingCount()).getTriggerBuilder()
                .startAt(DateBuilder.futureDate(interval, DateBuilder.IntervalUnit.SECOND)).build());
        JobDetail outbox = JobBuilder.newJob(OutboxJob.class).withIdentity("outbox", GROUP).build();
        jobs.put(outbox.getKey(), outbox);
        wanted.put(outbox.getKey(), trigger(outbox, SimpleScheduleBuilder.simpleSchedule()
                .withIntervalInSeconds((int) outboxInterval.toSeconds()).repeatForever()
                .withMisfireHandlingInstructionNextWithRemainingCount()));

        JobDetail retention = JobBuilder.newJob(RetentionJob.class).withIdentity("retention", GROUP).build();
        jobs.put(retention.getKey(), retention);
        wanted.put(retention.getKey(), trigger(retention, CronScheduleBuilder.cronSchedule(RETENTION_SCHEDULE)
                .inTimeZone(tz).withMisfireHandlingInstructionDoNothing()));

        for (JobKey stored : scheduler.getJobKeys(GroupMatcher.jobGroupEquals(GROUP))) {
            if (!wanted.containsKey(stored)) {
                scheduler.deleteJob(stored);
            }
        }
        for (var e : wanted.entrySet()) {
            Trigger existing = scheduler.getTrigger(e.getValue().getKey());
            if (existing == null || !sameSchedule(existing, e.getValue())) {
                scheduler.scheduleJob(jobs.get(e.getKey()), Set.of(e.getValue()), true);
            }
        }
    }

    private static JobDetail job(Class<? extends Job> type, JobKey key, String dataKey, String name) {
        return JobBuilder.newJob(type).withIdentity(key).usingJobData(dataKey, name).build();
    }

    private static Trigger trigger(JobDetail job, ScheduleBuilder<? extends Trigger> schedule) {
        return TriggerBuilder.newTrigger().withIdentity(job.getKey().getName(), GROUP).forJob(job)
                .withSchedule(schedule).build();
    }

    private static boolean sameSchedule(Trigger stored, Trigger wanted) {
        if (stored.getMisfireInstruction() != wanted.getMisfireInstruction()) {
            return false;
        }
        if (stored instanceof CronTrigger s && wanted instanceof CronTrigger w) {
            return s.getCronExpression().equals(w.getCronExpression())
                    && s.getTimeZone().getID().equals(w.getTimeZone().getID());
        }
        return stored instanceof SimpleTrigger s && wanted instanceof SimpleTrigger w
                && s.getRepeatInterval() == w.getRepeatInterval() && s.getRepeatCount() == w.getRepeatCount();
    }

    /**
     * In memory, the triggers of a restarted process begin at the next fire time: a restart at 09:00:01 would
     * skip that day's 09:00 digest. Runs such digests now, saying how late they are; a digest already queued for
     * the period is left alone, and so is one whose period ended before the first start on this database.
     */
    private static List<String> catchUp(Scheduler scheduler, App app) throws SchedulerException {
        Instant now = app.clock().instant();
        Instant installed = app.store().firstStart(now);
        List<String> due = new ArrayList<>();
        for (DigestConfig digest : app.config().digests()) {
            if (DigestCatchUp.missed(app, digest, now, installed)) {
                Instant fire = DigestCatchUp.firstFireThisPeriod(digest, app.config().calendar(), now).orElseThrow();
                log.info("digest {} was due at {} and has not been sent for the period: sending it now", digest.name(),
                        fire);
                scheduler.triggerJob(digestKey(digest.name()),
                        DigestJob.late(new Lateness(fire, DigestRenderer.notRunning()), 1));
                due.add(digest.name());
            }
        }
        return due;
    }

    /**
     * Evaluates every rule once now as a dry run, on the job threads (nothing waits for it), so that the status page
     * and {@code /healthz} know each rule's standing within seconds of {@code run}'s start rather than at its first
     * cron fire. It records and sends nothing: the cron's fires stay the checks that announce, so nothing is
     * announced twice, and a {@code check --at} an earlier moment is not refused because of it. A rule whose cron
     * fires within a minute is left to that fire (which shares today's usage with it for {@code ucloud.freshFor}).
     * In a cluster any instance may run it, and only that one's endpoints know the result.
     *
     * @return the rules it evaluates
     */
    public List<String> checkEveryRule() throws SchedulerException {
        // Quartz's clock, the one the crons fire by
        Date soon = DateBuilder.futureDate(FIRST_FIRE_SOON_SECONDS, DateBuilder.IntervalUnit.SECOND);
        List<String> checked = new ArrayList<>();
        for (String rule : rules) {
            Trigger cron = scheduler.getTrigger(TriggerKey.triggerKey(ruleKey(rule).getName(), GROUP));
            Date next = cron == null ? null : cron.getNextFireTime();
            if (next == null || next.after(soon)) {
                scheduler.triggerJob(ruleKey(rule), new JobDataMap(Map.of(RuleJob.PREVIEW, "true")));
                checked.add(rule);
            }
        }
        return checked;
    }

    static JobKey ruleKey(String rule) {
        return new JobKey("rule:" + rule, GROUP);
    }

    static JobKey digestKey(String digest) {
        return new JobKey("digest:" + digest, GROUP);
    }

    /** The digests this start ran at once to make up for a missed run. */
    List<String> caughtUp() {
        return caughtUp;
    }

    Scheduler quartz() {
        return scheduler;
    }

    /** Started, not paused and not shut down: its triggers fire. */
    boolean running() {
        try {
            return scheduler.isStarted() && !scheduler.isInStandbyMode() && !scheduler.isShutdown();
        } catch (SchedulerException e) {
            return false;
        }
    }

    /** Waits for running jobs to finish, then stops, and lets go of the state database's pool. */
    @Override
    public void close() throws SchedulerException {
        try {
            scheduler.shutdown(true);
        } finally {
            connections.release();
        }
    }

    /**
     * @param sequence    numbers the schedulers of this JVM: their threads and their entry in Quartz's JVM-global
     *                    DBConnectionManager must not collide
     * @param connections the pool lent to Quartz in a cluster; DBConnectionManager cannot remove an entry, so the
     *                    entry outlives the scheduler, but it lets go of the pool when the scheduler closes
     */
    private static Properties properties(App app, String instanceId, int sequence, StateConnections connections) {
        BotConfig cfg = app.config();
        Properties p = new Properties();
        p.setProperty("org.quartz.scheduler.instanceName", NAME);
        p.setProperty("org.quartz.scheduler.instanceId", instanceId);
        p.setProperty("org.quartz.scheduler.threadName", "budgetbot-" + sequence + "-scheduler");
        p.setProperty("org.quartz.threadPool.threadCount", String.valueOf(THREADS));
        p.setProperty("org.quartz.threadPool.threadNamePrefix", "budgetbot-" + sequence + "-job");
        p.setProperty("org.quartz.jobStore.misfireThreshold", "60000");
        if (!cfg.state().cluster()) {
            p.setProperty("org.quartz.jobStore.class", "org.quartz.simpl.RAMJobStore");
            return p;
        }
        if (!app.store().isPostgres()) {
            throw new IllegalStateException("a cluster needs the state database on PostgreSQL");
        }
        app.store().ensureQuartzSchema();
        String dataSource = "budgetbotState" + sequence;
        DBConnectionManager.getInstance().addConnectionProvider(dataSource, connections);
        p.setProperty("org.quartz.jobStore.class", "org.quartz.impl.jdbcjobstore.JobStoreTX");
        p.setProperty("org.quartz.jobStore.driverDelegateClass", "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate");
        p.setProperty("org.quartz.jobStore.dataSource", dataSource);
        p.setProperty("org.quartz.jobStore.tablePrefix", "QRTZ_");
        p.setProperty("org.quartz.jobStore.useProperties", "true");
        p.setProperty("org.quartz.jobStore.isClustered", "true");
        p.setProperty("org.quartz.jobStore.clusterCheckinInterval", "5000");
        // with a handful of triggers the lock costs nothing, and no two instances can take the same trigger
        p.setProperty("org.quartz.jobStore.acquireTriggersWithinLock", "true");
        return p;
    }

    /** Unique in the cluster, and still telling which host an instance runs on. */
    private static String instanceId() {
        return Lessee.host() + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /**
     * Lends Quartz the state database's pool instead of a second one, until {@link #release}: then the pool of a
     * configuration that was reloaded away is no longer reachable from Quartz's JVM-wide registry.
     */
    private record StateConnections(AtomicReference<DataSource> dataSource) implements ConnectionProvider {
        void release() {
            dataSource.set(null);
        }

        @Override
        public Connection getConnection() throws SQLException {
            DataSource lent = dataSource.get();
            if (lent == null) {
                throw new SQLException("this scheduler has closed: its state database is no longer lent to Quartz");
            }
            return lent.getConnection();
        }

        @Override
        public void shutdown() {
            // the pool belongs to the StateStore, which closes it
        }

        @Override
        public void initialize() {
            // the StateStore has opened the pool
        }
    }
}

package budgetbot.schedule;

import budgetbot.app.App;
import budgetbot.app.DigestService;
import budgetbot.config.DigestConfig;
import budgetbot.digest.Lateness;
import budgetbot.render.DigestRenderer;
import budgetbot.time.Window;
import org.quartz.DateBuilder;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobDataMap;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;
import org.quartz.ObjectAlreadyExistsException;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Builds one digest for the previous complete period and delivers it; sent once per period per channel. When it
 * cannot be built or queued (UCloud down, a database blip), it is tried again with backoff ({@link DigestRetry})
 * while its period lasts, and then says how late it is and why.
 */
@DisallowConcurrentExecution
public final class DigestJob implements Job {
    static final String DIGEST = "digest";
    /** A late run's data (strings, as a JDBC job store keeps them): when it was due, why it was not made then. */
    private static final String DUE = "due";
    private static final String REASON = "reason";
    /** Which attempt a run is, from 1. */
    private static final String ATTEMPT = "attempt";
    private static final Logger log = LoggerFactory.getLogger(DigestJob.class);

    @Override
    public void execute(JobExecutionContext ctx) throws JobExecutionException {
        String name = ctx.getMergedJobDataMap().getString(DIGEST);
        Jobs.run(ctx, "digest " + name, (app, dispatcher) -> {
            app.config().digest(name).ifPresentOrElse(
                    digest -> send(ctx, app, digest),
                    () -> log.warn("digest {} is scheduled but not in this instance's configuration", name));
            dispatcher.drain();
        });
    }

    /** The data of a run that is {@code late}, attempt number {@code attempt}. */
    static JobDataMap late(Lateness late, int attempt) {
        JobDataMap data = new JobDataMap();
        data.put(DUE, late.due().toString());
        data.put(REASON, late.reason());
        data.put(ATTEMPT, Integer.toString(attempt));
        return data;
    }

    private static void send(JobExecutionContext ctx, App app, DigestConfig digest) {
        JobDataMap data = ctx.getMergedJobDataMap();
        Instant now = app.clock().instant();
        Optional<Lateness> late = data.containsKey(DUE)
                ? Optional.of(new Lateness(Instant.parse(data.getString(DUE)), data.getString(REASON)))
                : Optional.empty();
        int attempt = data.containsKey(ATTEMPT) ? Integer.parseInt(data.getString(ATTEMPT)) : 1;
        try {
            new DigestService(app).send(digest, now, false, late);
        } catch (RuntimeException e) {
            retry(ctx, app, digest, late.orElseGet(() -> new Lateness(now, DigestRenderer.lateReason(e))), attempt, e);
            throw e;
        }
    }

    /** Schedules attempt {@code attempt + 1} while the period in which the digest was due lasts; says so either way. */
    private static void retry(JobExecutionContext ctx, App app, DigestConfig digest, Lateness late, int attempt,
                              RuntimeException failure) {
        Duration delay = Jobs.<DigestRetry>context(ctx, BotScheduler.DIGEST_RETRY_KEY).delay(attempt);
        Window period = app.config().calendar().periodOf(digest.period(), late.due());
        if (!app.clock().instant().plus(delay).isBefore(period.end())) {
            log.error("digest {} due at {} was NOT sent: {} attempts failed ({}; last: {}) and its period ends before "
                    + "another one", digest.name(), late.due(), attempt, late.reason(), failure.getMessage());
            return;
        }
        Trigger next = TriggerBuilder.newTrigger()
                .withIdentity(BotScheduler.digestKey(digest.name()).getName() + ":attempt" + (attempt + 1),
                        BotScheduler.GROUP)
                .forJob(ctx.getJobDetail().getKey())
                .usingJobData(late(late, attempt + 1))
                // Quartz fires on its own clock, like the digest's cron
                .startAt(DateBuilder.futureDate((int) Math.min(delay.toMillis(), Integer.MAX_VALUE),
                        DateBuilder.IntervalUnit.MILLISECOND))
                .withSchedule(SimpleScheduleBuilder.simpleSchedule().withMisfireHandlingInstructionFireNow())
                .build();
        try {
            ctx.getScheduler().scheduleJob(next);
            log.warn("digest {} due at {} is not sent yet ({}): attempt {} at {}", digest.name(), late.due(),
                    late.reason(), attempt + 1, next.getStartTime().toInstant());
        } catch (ObjectAlreadyExistsException e) {
            log.debug("digest {}: attempt {} is scheduled already", digest.name(), attempt + 1);
        } catch (SchedulerException e) {
            log.error("digest {} due at {} was NOT sent and its next attempt could not be scheduled: {}",
                    digest.name(), late.due(), e.getMessage());
        }
    }
}

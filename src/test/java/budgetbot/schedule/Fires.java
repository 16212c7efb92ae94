package budgetbot.schedule;

import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;
import org.quartz.JobListener;
import org.quartz.SchedulerException;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records every job execution of a scheduler: which instance ran which job for which scheduled fire time. */
final class Fires implements JobListener {
    record Fire(String instance, String job, Instant scheduled, boolean failed) {
    }

    private final List<Fire> fires = new CopyOnWriteArrayList<>();

    static Fires on(BotScheduler scheduler) throws SchedulerException {
        Fires fires = new Fires();
        scheduler.quartz().getListenerManager().addJobListener(fires);
        return fires;
    }

    List<Fire> of(String job) {
        return fires.stream().filter(f -> f.job().equals(job)).toList();
    }

    @Override
    public String getName() {
        return "fires";
    }

    @Override
    public void jobToBeExecuted(JobExecutionContext ctx) {
    }

    @Override
    public void jobExecutionVetoed(JobExecutionContext ctx) {
    }

    @Override
    public void jobWasExecuted(JobExecutionContext ctx, JobExecutionException e) {
        try {
            fires.add(new Fire(ctx.getScheduler().getSchedulerInstanceId(), ctx.getJobDetail().getKey().getName(),
                    ctx.getScheduledFireTime().toInstant(), e != null));
        } catch (SchedulerException ex) {
            throw new IllegalStateException(ex);
        }
    }
}

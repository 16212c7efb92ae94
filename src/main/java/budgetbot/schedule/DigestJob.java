package budgetbot.schedule;

import budgetbot.app.App;
import budgetbot.app.DigestService;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;
import org.quartz.SchedulerException;

/** Builds one digest for the previous complete period and queues it; sent once per period per channel. */
@DisallowConcurrentExecution
public final class DigestJob implements Job {
    static final String DIGEST = "digest";

    @Override
    public void execute(JobExecutionContext ctx) throws JobExecutionException {
        try {
            App app = Jobs.app(ctx);
            String name = ctx.getMergedJobDataMap().getString(DIGEST);
            app.config().digest(name).ifPresent(d -> new DigestService(app).send(d, app.clock().instant(), false));
            app.dispatcher().drain();
        } catch (SchedulerException e) {
            throw new JobExecutionException(e);
        }
    }
}

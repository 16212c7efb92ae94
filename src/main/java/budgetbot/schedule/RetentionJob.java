package budgetbot.schedule;

import budgetbot.app.Retention;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;

/** Purges what is older than {@code state.retention}, hourly. */
@DisallowConcurrentExecution
public final class RetentionJob implements Job {
    @Override
    public void execute(JobExecutionContext ctx) throws JobExecutionException {
        Jobs.run(ctx, "retention", (app, dispatcher) -> Retention.purge(app));
    }
}

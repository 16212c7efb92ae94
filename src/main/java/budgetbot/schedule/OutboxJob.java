package budgetbot.schedule;

import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;

/**
 * Delivers what is due in the outbox: new notifications and the retries of failed ones. In a cluster it first
 * frees what instances that Quartz has since found dead had leased.
 */
@DisallowConcurrentExecution
public final class OutboxJob implements Job {
    @Override
    public void execute(JobExecutionContext ctx) throws JobExecutionException {
        Jobs.run(ctx, "outbox delivery", (app, dispatcher) -> {
            if (app.config().state().cluster()) {
                OrphanedLeases.releaseInCluster(app, dispatcher);
            }
            dispatcher.drain();
        });
    }
}

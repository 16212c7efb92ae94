package budgetbot.schedule;

import budgetbot.app.Checker;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;

/**
 * Lists the project's API keys and their models again, announces every key or model a rule names that UCloud
 * cannot serve, and delivers that; runs when the scheduler starts and every {@code ucloud.discoveryInterval}.
 */
@DisallowConcurrentExecution
public final class DiscoveryJob implements Job {
    @Override
    public void execute(JobExecutionContext ctx) throws JobExecutionException {
        Jobs.run(ctx, "discovery of keys and models", app -> {
            new Checker(app).review(app.clock().instant());
            app.dispatcher().drain();
        });
    }
}

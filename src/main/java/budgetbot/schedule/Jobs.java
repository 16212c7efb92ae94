package budgetbot.schedule;

import budgetbot.app.App;
import org.quartz.JobExecutionContext;
import org.quartz.SchedulerException;

import java.util.concurrent.atomic.AtomicReference;

/** The current {@link App}, as the scheduler context holds it for the jobs. */
final class Jobs {
    private Jobs() {
    }

    @SuppressWarnings("unchecked")
    static App app(JobExecutionContext ctx) throws SchedulerException {
        return ((AtomicReference<App>) ctx.getScheduler().getContext().get(BotScheduler.APP_KEY)).get();
    }
}

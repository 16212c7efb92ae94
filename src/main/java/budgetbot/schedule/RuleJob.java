package budgetbot.schedule;

import budgetbot.app.App;
import budgetbot.app.Checker;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;
import org.quartz.SchedulerException;

/** Evaluates one rule now and hands what it announces to the outbox. */
@DisallowConcurrentExecution
public final class RuleJob implements Job {
    static final String RULE = "rule";

    @Override
    public void execute(JobExecutionContext ctx) throws JobExecutionException {
        try {
            App app = Jobs.app(ctx);
            String name = ctx.getMergedJobDataMap().getString(RULE);
            app.config().rule(name).ifPresent(rule -> new Checker(app).checkRule(rule, app.clock().instant(), false));
            app.dispatcher().drain();
        } catch (SchedulerException e) {
            throw new JobExecutionException(e);
        }
    }
}

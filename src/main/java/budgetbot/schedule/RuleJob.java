package budgetbot.schedule;

import budgetbot.app.Checker;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Evaluates one rule now and delivers what it announces. */
@DisallowConcurrentExecution
public final class RuleJob implements Job {
    static final String RULE = "rule";
    private static final Logger log = LoggerFactory.getLogger(RuleJob.class);

    @Override
    public void execute(JobExecutionContext ctx) throws JobExecutionException {
        String name = ctx.getMergedJobDataMap().getString(RULE);
        Jobs.run(ctx, "check " + name, (app, dispatcher) -> {
            app.config().rule(name).ifPresentOrElse(
                    rule -> new Checker(app).checkRule(rule, app.clock().instant(), false),
                    // another instance of the cluster runs a configuration with this rule
                    () -> log.warn("rule {} is scheduled but not in this instance's configuration", name));
            dispatcher.drain();
        });
    }
}

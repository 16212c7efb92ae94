package budgetbot.schedule;

import budgetbot.app.Checker;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Evaluates one rule now and delivers what it announces; or, as a preview ({@link BotScheduler#checkEveryRule}),
 * evaluates it as a dry run: what the operator's endpoints show, with nothing recorded or sent.
 */
@DisallowConcurrentExecution
public final class RuleJob implements Job {
    static final String RULE = "rule";
    /** "true" in a trigger's data: a dry run. */
    static final String PREVIEW = "preview";
    private static final Logger log = LoggerFactory.getLogger(RuleJob.class);

    @Override
    public void execute(JobExecutionContext ctx) throws JobExecutionException {
        String name = ctx.getMergedJobDataMap().getString(RULE);
        boolean preview = Boolean.parseBoolean(ctx.getMergedJobDataMap().getString(PREVIEW));
        Jobs.run(ctx, "check " + name, (app, dispatcher) -> {
            app.config().rule(name).ifPresentOrElse(
                    rule -> new Checker(app).checkRule(rule, app.clock().instant(), preview),
                    // another instance of the cluster runs a configuration with this rule
                    () -> log.warn("rule {} is scheduled but not in this instance's configuration", name));
            if (!preview) {
                dispatcher.drain();
            }
        });
    }
}

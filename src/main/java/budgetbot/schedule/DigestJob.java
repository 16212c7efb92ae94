package budgetbot.schedule;

import budgetbot.app.DigestService;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds one digest for the previous complete period and delivers it; sent once per period per channel. */
@DisallowConcurrentExecution
public final class DigestJob implements Job {
    static final String DIGEST = "digest";
    private static final Logger log = LoggerFactory.getLogger(DigestJob.class);

    @Override
    public void execute(JobExecutionContext ctx) throws JobExecutionException {
        String name = ctx.getMergedJobDataMap().getString(DIGEST);
        Jobs.run(ctx, "digest " + name, (app, dispatcher) -> {
            app.config().digest(name).ifPresentOrElse(
                    digest -> new DigestService(app).send(digest, app.clock().instant(), false),
                    () -> log.warn("digest {} is scheduled but not in this instance's configuration", name));
            dispatcher.drain();
        });
    }
}

package budgetbot.schedule;

import budgetbot.app.App;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;
import org.quartz.SchedulerException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Consumer;

/** Runs a job's work with the {@link App} its scheduler was started for. */
final class Jobs {
    private static final Logger log = LoggerFactory.getLogger(Jobs.class);

    private Jobs() {
    }

    /** What {@link BotScheduler} put into its scheduler's context under {@code key}. */
    @SuppressWarnings("unchecked")
    static <T> T context(JobExecutionContext ctx, String key) {
        try {
            return (T) ctx.getScheduler().getContext().get(key);
        } catch (SchedulerException e) {
            throw new IllegalStateException("the scheduler's context cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * Runs {@code work}; a failure is logged here in one line, because Quartz would log it with a stack trace,
     * or not at all below its WARN level, and the next fire simply tries again.
     */
    static void run(JobExecutionContext ctx, String what, Consumer<App> work) throws JobExecutionException {
        App app;
        try {
            app = context(ctx, BotScheduler.APP_KEY);
        } catch (IllegalStateException e) {
            throw new JobExecutionException(e);
        }
        try {
            work.accept(app);
        } catch (RuntimeException e) {
            log.error("{} failed: {}", what, e.toString());
            throw new JobExecutionException(e);
        }
    }
}

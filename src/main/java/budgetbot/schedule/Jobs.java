package budgetbot.schedule;

import budgetbot.app.App;
import budgetbot.delivery.Dispatcher;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;
import org.quartz.SchedulerContext;
import org.quartz.SchedulerException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.BiConsumer;

/** Runs a job's work with the {@link App} its scheduler was started for and the scheduler's {@link Dispatcher}. */
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
     * Runs {@code work}; a failure is logged here, its cause in the first line and the stack trace under it, because
     * Quartz would log it below its WARN level, or not at all; the next fire simply tries again.
     */
    static void run(JobExecutionContext ctx, String what, BiConsumer<App, Dispatcher> work) throws JobExecutionException {
        App app;
        Dispatcher dispatcher;
        try {
            app = context(ctx, BotScheduler.APP_KEY);
            dispatcher = context(ctx, BotScheduler.DISPATCHER_KEY);
        } catch (IllegalStateException e) {
            throw new JobExecutionException(e);
        }
        try {
            work.accept(app, dispatcher);
        } catch (RuntimeException e) {
            log.error("{} failed: {}", what, e.toString(), e);
            throw new JobExecutionException(e);
        }
    }
}

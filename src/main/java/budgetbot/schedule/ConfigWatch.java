package budgetbot.schedule;

import budgetbot.app.App;
import budgetbot.config.BotConfig;
import budgetbot.config.ConfigException;
import org.quartz.SchedulerException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The bot as {@code run} runs it: the app and scheduler of the last good configuration. Each {@link #poll()}
 * compares the config file with what it was; a valid change replaces both, an invalid one is logged and ignored.
 * When a change starts neither its own configuration nor the last good one again, the watch closes and says so
 * ({@link Stopped}): nothing would run any more, and {@code run} exits so that a supervisor restarts it.
 *
 * <p>A reload restarts the scheduler rather than editing its jobs: the new app may use another state database or
 * leave or join a cluster. Running jobs finish on the old app first; a digest due in between is caught up on start.
 */
public final class ConfigWatch implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ConfigWatch.class);

    private final Path file;
    private final Supplier<BotConfig> load;
    private final Function<BotConfig, App> open;
    private final Duration outboxInterval;
    /** The content last applied, or rejected as invalid; a change that failed for another reason is retried. */
    private byte[] content;
    // read without the lock: the operator's endpoints must answer while a reload waits for running jobs
    private volatile boolean closed;
    private volatile boolean reloading;
    private volatile App app;
    private volatile BotScheduler scheduler;

    private ConfigWatch(Path file, Supplier<BotConfig> load, Function<BotConfig, App> open, Duration outboxInterval,
                        byte[] content, App app, BotScheduler scheduler) {
        this.file = file;
        this.load = load;
        this.open = open;
        this.outboxInterval = outboxInterval;
        this.content = content;
        this.app = app;
        this.scheduler = scheduler;
    }

    /**
     * Loads the configuration, opens its app and starts the scheduler.
     *
     * @param file the config file watched for changes
     * @param load reads {@code file} into a config; throws {@link ConfigException} when it is invalid
     * @param open the app for a config
     * @throws ConfigException when the file is invalid now
     */
    public static ConfigWatch start(Path file, Supplier<BotConfig> load, Function<BotConfig, App> open,
                                    Duration outboxInterval) throws SchedulerException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(outboxInterval, "outboxInterval");
        // read before loading: a change made in between is seen by the next poll
        byte[] content = read(file).orElse(null);
        App app = open.apply(load.get());
        try {
            return new ConfigWatch(file, load, open, outboxInterval, content, app, BotScheduler.start(app, outboxInterval));
        } catch (SchedulerException | RuntimeException e) {
            app.close();
            throw e;
        }
    }

    /**
     * Reloads when the file's content has changed since it was last applied. An invalid file is not read again
     * until it changes; one that failed for another reason (the database was unreachable) is tried again.
     *
     * @return whether a new configuration runs now
     * @throws Stopped when neither the new configuration nor the last good one could be started
     */
    public synchronized boolean poll() {
        Optional<byte[]> now = read(file);
        // an editor may replace the file by rename: missing for a moment is no change
        if (closed || now.isEmpty() || Arrays.equals(now.get(), content)) {
            return false;
        }
        reloading = true;
        try {
            return reload(now.get());
        } finally {
            reloading = false;
        }
    }

    private boolean reload(byte[] now) {
        BotConfig next;
        App fresh;
        try {
            next = load.get();
            fresh = open.apply(next);
        } catch (ConfigException e) {
            content = now;
            log.error("{} changed but is invalid; still running the last good configuration:\n{}", file, e.getMessage());
            rejected(e.getMessage());
            return false;
        } catch (RuntimeException e) {
            log.error("{} changed but cannot be used yet; still running the last good configuration, trying again "
                    + "at the next poll: {}", file, e.getMessage());
            rejected(e.getMessage());
            return false;
        }
        closeScheduler();
        try {
            scheduler = BotScheduler.start(fresh, outboxInterval);
        } catch (SchedulerException | RuntimeException e) {
            fresh.close();
            log.error("{} changed but its scheduler did not start; starting the last good configuration again: {}",
                    file, e.getMessage());
            rejected("its scheduler did not start: " + e.getMessage());
            scheduler = restart(e);
            return false;
        }
        content = now;
        App old = app;
        app = fresh;
        old.close();
        log.info("reloaded {}: {} rules, {} digests", file, next.rules().size(), next.digests().size());
        app.telemetry().reloaded(app.clock().instant(), Optional.empty());
        return true;
    }

    private void rejected(String error) {
        app.telemetry().reloaded(app.clock().instant(), Optional.of(error));
    }

    /** The app of the configuration running now (during a reload, the last one until the new one runs). */
    public App app() {
        return app;
    }

    /** Checks every rule of the running configuration now ({@link BotScheduler#checkEveryRule}). */
    public List<String> checkEveryRule() throws SchedulerException {
        return scheduler.checkEveryRule();
    }

    BotScheduler scheduler() {
        return scheduler;
    }

    /** Whether the scheduler of the running configuration is started and not shut down. */
    public boolean schedulerRunning() {
        return !closed && scheduler.running();
    }

    /** Whether a changed file is being applied now: the old scheduler finishing its jobs, the new one starting. */
    public boolean reloading() {
        return reloading;
    }

    /** Waits for running jobs, then stops the scheduler and closes the app; once. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        closeScheduler();
        app.close();
    }

    /**
     * Starts the last good configuration's scheduler again after the new one failed with {@code failure}; when
     * that fails too, no job would ever run again: the watch closes and says so.
     *
     * @throws Stopped when the last good configuration did not start either
     */
    private BotScheduler restart(Exception failure) {
        try {
            return BotScheduler.start(app, outboxInterval);
        } catch (SchedulerException | RuntimeException e) {
            Stopped stopped = new Stopped(file + " changed and its configuration did not start (" + failure.getMessage()
                    + "), nor did the last good configuration again (" + e.getMessage() + "): no job can run", e);
            stopped.addSuppressed(failure);
            closed = true;
            try {
                app.close();
            } catch (RuntimeException closing) {
                stopped.addSuppressed(closing);
            }
            throw stopped;
        }
    }

    /** The watch runs no configuration any more and is closed; the process should end so that it is restarted. */
    public static final class Stopped extends RuntimeException {
        Stopped(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private void closeScheduler() {
        try {
            scheduler.close();
        } catch (SchedulerException e) {
            log.warn("the scheduler did not stop cleanly: {}", e.getMessage());
        }
    }

    private static Optional<byte[]> read(Path file) {
        try {
            return Optional.of(Files.readAllBytes(file));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}

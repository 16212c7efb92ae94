package budgetbot.cli;

import budgetbot.app.App;
import budgetbot.config.BotConfig;
import budgetbot.config.ConfigException;
import budgetbot.schedule.BotScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run the scheduler: every rule and digest on its cron, the outbox drained continuously.",
                "Reloads the config file when it changes; an invalid new config is reported and the last good one kept.",
                "Stops gracefully on SIGTERM/Ctrl-C (running jobs finish first)."})
final class RunCommand implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(RunCommand.class);

    @Mixin
    ConfigOption config;

    @Option(names = "--outbox-interval", defaultValue = "15", paramLabel = "SECONDS",
            description = "how often the outbox is drained (default ${DEFAULT-VALUE})")
    int outboxSeconds;

    @Option(names = "--reload-interval", defaultValue = "10", paramLabel = "SECONDS",
            description = "how often the config file is checked for changes; 0 = never (default ${DEFAULT-VALUE})")
    int reloadSeconds;

    @Override
    public void run() {
        Path file = config.path();
        BotConfig cfg = config.load();
        Clock clock = Clock.systemUTC();
        AtomicReference<App> app = new AtomicReference<>(App.open(cfg, clock));
        CountDownLatch stopped = new CountDownLatch(1);
        ScheduledExecutorService watcher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "config-watch");
            t.setDaemon(true);
            return t;
        });
        try {
            BotScheduler scheduler = BotScheduler.start(app, outboxSeconds);
            if (reloadSeconds > 0) {
                ConfigWatch watch = new ConfigWatch(file, app, scheduler, clock, watcher);
                watcher.scheduleWithFixedDelay(watch::poll, reloadSeconds, reloadSeconds, TimeUnit.SECONDS);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                log.info("stopping: waiting for running jobs");
                watcher.shutdownNow();
                try {
                    scheduler.close();
                } catch (Exception e) {
                    log.warn("scheduler did not stop cleanly: {}", e.getMessage());
                }
                app.get().close();
                log.info("stopped");
                stopped.countDown();
            }, "shutdown"));
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            app.get().close();
            throw new IllegalStateException("scheduler failed: " + e.getMessage(), e);
        }
    }

    /** Polls the config file; a valid change swaps the app and the jobs, an invalid one is logged and ignored. */
    private final class ConfigWatch {
        private final Path file;
        private final AtomicReference<App> app;
        private final BotScheduler scheduler;
        private final Clock clock;
        private final ScheduledExecutorService executor;
        private byte[] last;

        ConfigWatch(Path file, AtomicReference<App> app, BotScheduler scheduler, Clock clock, ScheduledExecutorService executor) {
            this.file = file;
            this.app = app;
            this.scheduler = scheduler;
            this.clock = clock;
            this.executor = executor;
            this.last = read();
        }

        void poll() {
            byte[] now = read();
            if (now == null || Arrays.equals(now, last)) {
                return;
            }
            last = now;
            try {
                BotConfig next = config.load();
                App old = app.getAndSet(App.open(next, clock));
                scheduler.reschedule(outboxSeconds);
                // jobs already running on the old app get a minute to finish before its pool closes
                executor.schedule(old::close, 60, TimeUnit.SECONDS);
                log.info("reloaded {}: {} rules, {} digests", file, next.rules().size(), next.digests().size());
            } catch (ConfigException e) {
                log.error("{} changed but is invalid; keeping the last good configuration:\n{}", file, e.getMessage());
            } catch (Exception e) {
                log.error("reloading {} failed; keeping the last good configuration: {}", file, e.getMessage());
            }
        }

        private byte[] read() {
            try {
                return Files.readAllBytes(file);
            } catch (Exception e) {
                return null;
            }
        }
    }
}

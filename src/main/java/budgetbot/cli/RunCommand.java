package budgetbot.cli;

import budgetbot.app.App;
import budgetbot.config.ServerConfig;
import budgetbot.observe.Telemetry;
import budgetbot.schedule.ConfigWatch;
import budgetbot.server.OpsServer;
import org.quartz.SchedulerException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import sun.misc.Signal;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run the scheduler: every rule and digest on its cron, the outbox drained continuously.",
                "Reloads the config file when it changes; an invalid new config is reported and the last good one kept.",
                "Exits 1 when a reload can start neither the new nor the last good configuration.",
                "With server.listen in the config, serves /healthz, /metrics (Prometheus) and a status page at /.",
                "Stops gracefully on SIGTERM/Ctrl-C (running jobs finish first)."})
final class RunCommand implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(RunCommand.class);

    @Spec
    CommandSpec spec;

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
        if (outboxSeconds < 1) {
            throw new ParameterException(spec.commandLine(), "--outbox-interval must be at least 1 second");
        }
        if (reloadSeconds < 0) {
            throw new ParameterException(spec.commandLine(), "--reload-interval must not be negative");
        }
        Path file = config.path();
        Clock clock = Clock.systemUTC();
        log.info("budgetbot run: config {}, outbox every {} s, {}", file, outboxSeconds,
                reloadSeconds > 0 ? "config checked for changes every " + reloadSeconds + " s" : "config not reloaded");
        Telemetry telemetry = Telemetry.withJvmMetrics();
        ConfigWatch watch;
        try {
            watch = ConfigWatch.start(file, config::load, cfg -> App.open(cfg, clock, telemetry),
                    Duration.ofSeconds(outboxSeconds));
        } catch (SchedulerException e) {
            throw new IllegalStateException("the scheduler did not start: " + e.getMessage(), e);
        }
        Optional<ServerConfig> listen = watch.app().config().server();
        listen.filter(ServerConfig::openToTheNetwork).ifPresent(s -> log.warn("{}", s.openWarning()));
        Optional<OpsServer> server;
        try {
            server = listen.map(s -> OpsServer.start(s, watch::app, watch::schedulerRunning, watch::reloading));
        } catch (RuntimeException e) {
            watch.close();
            throw e;
        }
        checkEveryRule(watch);
        ScheduledExecutorService watcher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "config-watch");
            t.setDaemon(true);
            return t;
        });
        // completes when SIGTERM has stopped the bot, or exceptionally when a reload left nothing running
        CompletableFuture<Void> stopped = new CompletableFuture<>();
        if (reloadSeconds > 0) {
            watcher.scheduleWithFixedDelay(() -> poll(watch, stopped, listen), reloadSeconds, reloadSeconds,
                    TimeUnit.SECONDS);
        }
        AtomicBoolean stopping = new AtomicBoolean();
        Runnable stop = () -> {
            if (!stopping.compareAndSet(false, true)) {
                return;
            }
            log.info("stopping: waiting for running jobs");
            // no interrupt: a reload in progress finishes, then close() gets the watch's lock
            watcher.shutdown();
            server.ifPresent(OpsServer::close);
            watch.close();
            telemetry.close();
            log.info("stopped");
            stopped.complete(null);
        };
        // SIGTERM and Ctrl-C stop the bot before the JVM shuts down: in a shutdown hook the running jobs would race
        // H2's own hook, which closes the state database under them, and what they sent would go unrecorded
        for (String signal : List.of("TERM", "INT")) {
            try {
                Signal.handle(new Signal(signal), s -> stop.run());
            } catch (IllegalArgumentException e) {
                log.debug("SIG{} is not ours to handle ({}); the shutdown hook stops the bot", signal, e.getMessage());
            }
        }
        // any other way the JVM ends
        Runtime.getRuntime().addShutdownHook(new Thread(stop, "shutdown"));
        try {
            stopped.join();
        } catch (CompletionException e) {
            // the exit code says "failed" and a supervisor starts a fresh process, which may well work
            throw (ConfigWatch.Stopped) e.getCause();
        }
    }

    /**
     * A failed reload is logged and polling goes on (an exception would end it for good); one that left nothing
     * running ends {@code run}.
     */
    private static void poll(ConfigWatch watch, CompletableFuture<Void> stopped, Optional<ServerConfig> listening) {
        try {
            if (watch.poll() && !watch.app().config().server().equals(listening)) {
                log.warn("server.listen changed to {}; the HTTP server keeps {} until budgetbot restarts",
                        watch.app().config().server().map(ServerConfig::listen).orElse("none"),
                        listening.map(ServerConfig::listen).orElse("none"));
            }
        } catch (ConfigWatch.Stopped e) {
            stopped.completeExceptionally(e);
        } catch (RuntimeException e) {
            log.error("checking the config for changes failed: {}", e.getMessage());
        }
    }

    /** Rules are evaluated at start, so the status page is not "Not checked yet" until each one's cron fires. */
    private static void checkEveryRule(ConfigWatch watch) {
        try {
            List<String> rules = watch.checkEveryRule();
            log.info("evaluating {} rules now, at start (a dry run: each one's cron announces): {}", rules.size(),
                    String.join(", ", rules));
        } catch (SchedulerException e) {
            log.warn("the rules could not be evaluated at start; each is at its cron's first fire: {}",
                    e.getMessage());
        }
    }
}

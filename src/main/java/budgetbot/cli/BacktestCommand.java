package budgetbot.cli;

import budgetbot.app.App;
import budgetbot.app.Backtest;
import budgetbot.app.Checker;
import budgetbot.backtest.BacktestReport;
import budgetbot.config.BotConfig;
import budgetbot.config.Units;
import budgetbot.fetch.UsageFetcher;
import budgetbot.render.BacktestHtml;
import budgetbot.render.BacktestJson;
import budgetbot.render.BacktestText;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "backtest", mixinStandardHelpOptions = true,
        description = {"Replay the rules over past usage: what check would have sent.",
                "Checks as of every --step from --from to --to on a fresh state, by the same evaluation and alert "
                        + "rules as check. Sends nothing and leaves the alert state alone; reads and fills only the usage "
                        + "cache. Exit 1 when usage could not be fetched."})
final class BacktestCommand implements Callable<Integer> {
    /** A replay this long is a typo (a step of 5s over a year), not a question. */
    static final int MAX_STEPS = 500_000;

    @Mixin
    ConfigOption config;

    @Option(names = "--rule", paramLabel = "NAME", description = "only this rule")
    String rule;

    @Option(names = "--from", required = true, paramLabel = "TIME", description = "the first check: " + Times.FORMS)
    String from;

    @Option(names = "--to", required = true, paramLabel = "TIME", description = "the last check, if a step lands "
            + "on it (at most now), in a form --from takes")
    String to;

    @Option(names = "--step", paramLabel = "DURATION", defaultValue = "5m", description = "time between checks, "
            + "as a rule's schedule would run them (default ${DEFAULT-VALUE})")
    String step;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table", description = "table (default), json "
            + "or html (one chart per rule)")
    Format format;

    @Option(names = "--out", paramLabel = "DIR", description = "write backtest-<from>-<to>.<txt|json|html> here "
            + "instead of printing it")
    Path out;

    enum Format {
        table, json, html;

        String extension() {
            return this == table ? "txt" : name();
        }
    }

    @Override
    public Integer call() throws IOException {
        BotConfig cfg = config.loadToInspect();
        if (rule != null && cfg.rule(rule).isEmpty()) {
            throw new InputException("no rule named '" + rule + "' in " + cfg.file());
        }
        Clock clock = Clock.systemUTC();
        ZoneId zone = cfg.calendar().zone();
        Instant now = clock.instant();
        Instant first = Times.parse(from, zone, now);
        Instant last = Times.parse(to, zone, now);
        Duration every = every();
        if (last.isBefore(first)) {
            throw new InputException("--to " + to + " is before --from " + from);
        }
        if (last.isAfter(now)) {
            throw new InputException("--to " + to + " is in the future: a backtest replays usage that happened; "
                    + "use --to now");
        }
        long steps = Duration.between(first, last).dividedBy(every) + 1;
        if (steps > MAX_STEPS) {
            throw new InputException(steps + " checks from " + from + " to " + to + " every " + step + " are too "
                    + "many (at most " + MAX_STEPS + "): use a longer --step or a shorter span");
        }
        BacktestReport report;
        // a line per check and per fetch, thousands of times, would bury what matters
        try (Quiet quiet = new Quiet(Checker.class, UsageFetcher.class);
             App app = App.openWithoutChannels(cfg, clock)) {
            report = new Backtest(app).replay(first, last, every, Optional.ofNullable(rule));
        }
        String name = cfg.file().getFileName().toString();
        String text = switch (format) {
            case table -> BacktestText.render(report, name);
            case json -> BacktestJson.render(report, name);
            case html -> BacktestHtml.render(report, name);
        };
        if (out == null) {
            System.out.print(text);
            return 0;
        }
        Files.createDirectories(out);
        DateTimeFormatter file = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmm", Locale.ROOT).withZone(zone);
        Path written = out.resolve("backtest-" + file.format(first) + "-" + file.format(last) + "."
                + format.extension());
        Files.writeString(written, text, StandardCharsets.UTF_8);
        System.out.println("wrote " + written);
        System.err.println(BacktestText.heading(report, name));
        return 0;
    }

    private Duration every() {
        try {
            Duration d = Units.duration(step);
            if (d.isZero() || d.isNegative()) {
                throw new IllegalArgumentException("a step must be longer than zero, got \"" + step + "\"");
            }
            return d;
        } catch (IllegalArgumentException e) {
            throw new InputException("--step: " + e.getMessage());
        }
    }

    /** Info lines of these classes held back (unless they log at debug) until closed. */
    private static final class Quiet implements AutoCloseable {
        private final Map<Logger, Level> levels = new LinkedHashMap<>();

        Quiet(Class<?>... classes) {
            for (Class<?> c : classes) {
                Logger logger = (Logger) LoggerFactory.getLogger(c);
                if (!logger.isDebugEnabled()) {
                    levels.put(logger, logger.getLevel());
                    logger.setLevel(Level.WARN);
                }
            }
        }

        @Override
        public void close() {
            levels.forEach(Logger::setLevel);
        }
    }
}

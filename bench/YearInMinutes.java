// Issue 18's "year in minutes": the real jobs of `run` (rule checks, digests, the outbox, retention with its usage
// cache purge) stepped through 365 simulated days over 1,000 key x model series, on one injected clock shared with
// an in-process UCloud simulator. Says whether the state database and the check time stay flat as the install ages:
// database size, usage cache rows and check time at day 30 and day 365 (and every 30 days between).
//
//   java -Xmx512m -cp target/budgetbot.jar bench/YearInMinutes.java [--series 1000] [--days 365]
//
// Each day: every rule checked at 12:00 and 23:30 (local), a daily digest at 09:00 and a weekly one on Mondays, the
// outbox drained after each, retention at 03:00 (state.retention 30d). Prints a markdown table on stdout.

import budgetbot.app.App;
import budgetbot.app.Checker;
import budgetbot.app.DigestService;
import budgetbot.app.Retention;
import budgetbot.config.BotConfig;
import budgetbot.config.ConfigLoader;
import budgetbot.config.DigestConfig;
import budgetbot.notify.Notifier;
import budgetbot.simulator.Simulator;
import budgetbot.simulator.SimulatorOptions;
import budgetbot.ucloud.UCloudClient;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

public class YearInMinutes {
    private static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");
    private static final List<String> MODELS = List.of("deepseek-ai/DeepSeek-R1", "deepseek-ai/DeepSeek-V3-0324",
            "Qwen/Qwen3-32B", "moonshotai/Kimi-K2-Instruct");

    /** The one clock of the bot and the simulator, moved by the loop. */
    static final class SteppedClock extends Clock {
        private volatile Instant now;

        SteppedClock(Instant now) {
            this.now = now;
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    public static void main(String[] args) throws Exception {
        // the table is the output: the bot's INFO lines (two per check) would bury it
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .setLevel(ch.qos.logback.classic.Level.WARN);
        int series = 1000;
        int days = 365;
        for (int i = 0; i < args.length; i += 2) {
            switch (args[i]) {
                case "--series" -> series = Integer.parseInt(args[i + 1]);
                case "--days" -> days = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        LocalDate first = LocalDate.of(2026, 1, 1);
        SteppedClock clock = new SteppedClock(first.atStartOfDay(ZONE).toInstant());
        Path dir = Files.createTempDirectory("year-in-minutes");
        List<String> keys = SimulatorOptions.syntheticKeys(series / MODELS.size());
        try (Simulator sim = Simulator.start(SimulatorOptions.defaults(clock).withKeys(keys).withModels(MODELS)
                .withMaxWindow(Duration.ofDays(31)))) {
            Path rules = dir.resolve("rules.yml");
            Files.writeString(rules, config(sim, dir, keys));
            BotConfig cfg = ConfigLoader.load(rules, Map.of());
            UCloudClient ucloud = UCloudClient.create(cfg.ucloud(), ZONE);
            Notifier quiet = m -> { };
            try (App app = App.open(cfg, ucloud, ucloud, Map.of("quiet", quiet), clock)) {
                Checker checker = new Checker(app);
                DigestService digests = new DigestService(app);
                DigestConfig daily = cfg.digest("daily").orElseThrow();
                DigestConfig weekly = cfg.digest("weekly").orElseThrow();
                System.out.printf("| day | date | check of the 4 rules at 12:00 / 23:30, ms | digests (ms) | usage cache rows"
                        + " | alert log rows | outbox rows | H2 file MB | of it live (H2's chunk fill rate) | UCloud requests that day |%n");
                System.out.println("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|");
                long started = System.nanoTime();
                long requestsBefore = sim.stats().tokenUsage();
                for (int d = 1; d <= days; d++) {
                    LocalDate date = first.plusDays(d - 1);
                    move(clock, date, LocalTime.of(3, 0));
                    Retention.purge(app);
                    move(clock, date, LocalTime.of(9, 0));
                    long t0 = System.nanoTime();
                    digests.send(daily, clock.instant(), false);
                    if (date.getDayOfWeek() == DayOfWeek.MONDAY) {
                        digests.send(weekly, clock.instant(), false);
                    }
                    long digestMs = (System.nanoTime() - t0) / 1_000_000;
                    app.dispatcher().drain();
                    List<Long> checks = new ArrayList<>();
                    for (LocalTime at : List.of(LocalTime.of(12, 0), LocalTime.of(23, 30))) {
                        move(clock, date, at);
                        long c0 = System.nanoTime();
                        checker.check(clock.instant(), Optional.empty(), false);
                        checks.add((System.nanoTime() - c0) / 1_000_000);
                        app.dispatcher().drain();
                    }
                    if (d == 1 || d % 30 == 0 || d == days) {
                        long requests = sim.stats().tokenUsage();
                        double mb = megabytes(dir.resolve("state"));
                        System.out.printf("| %d | %s | %s | %d | %,d | %,d | %,d | %.1f | %.1f MB (%d%%) | %,d |%n", d,
                                date, checks.stream().map(String::valueOf).reduce((a, b) -> a + " / " + b).orElse(""),
                                digestMs, count(cfg, "usage_slice"), count(cfg, "alert_events"), count(cfg, "outbox"),
                                mb, mb * fillRate(cfg) / 100, fillRate(cfg), requests - requestsBefore);
                    }
                    requestsBefore = sim.stats().tokenUsage();
                }
                System.out.printf("%n%d simulated days at %d series in %.0f s of wall time%n", days, keys.size()
                        * MODELS.size(), (System.nanoTime() - started) / 1e9);
            }
            System.out.printf("H2 file after the bot stopped: %.1f MB%n", megabytes(dir.resolve("state")));
            // what the file holds once H2 rewrites it: an operator's `SHUTDOWN COMPACT` while the bot is stopped
            try (Connection c = DriverManager.getConnection(cfg.state().url())) {
                c.createStatement().execute("SHUTDOWN COMPACT");
            }
            System.out.printf("H2 file after SHUTDOWN COMPACT: %.1f MB%n", megabytes(dir.resolve("state")));
        }
    }

    private static void move(SteppedClock clock, LocalDate date, LocalTime time) {
        clock.now = date.atTime(time).atZone(ZONE).toInstant();
    }

    private static long count(BotConfig cfg, String table) throws Exception {
        try (Connection c = DriverManager.getConnection(cfg.state().url() + ";AUTO_SERVER=TRUE");
             ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** H2's own share of live data in its file's chunks, in percent (INFORMATION_SCHEMA.SETTINGS, info.CHUNKS_FILL_RATE). */
    private static int fillRate(BotConfig cfg) throws Exception {
        try (Connection c = DriverManager.getConnection(cfg.state().url() + ";AUTO_SERVER=TRUE");
             ResultSet rs = c.createStatement().executeQuery(
                     "SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = 'info.CHUNKS_FILL_RATE'")) {
            return rs.next() ? Integer.parseInt(rs.getString(1)) : 100;
        }
    }

    private static double megabytes(Path dir) throws Exception {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum() / 1e6;
        }
    }

    private static String config(Simulator sim, Path dir, List<String> keys) {
        String models = String.join(", ", MODELS);
        StringBuilder prices = new StringBuilder();
        MODELS.forEach(m -> prices.append("    ").append(m).append(": { input: 2, output: 8 }\n"));
        return """
                timezone: Asia/Shanghai
                ucloud:
                  baseUrl: %s
                  publicKey: %s
                  privateKey: "%s"
                state:
                  url: "jdbc:h2:file:%s"
                  retention: 30d
                prices:
                  currency: CNY
                  models:
                %s
                channels:
                  quiet: { type: console }
                rules:
                  - name: key-day
                    keys: [%s]
                    models: [%s]
                    groupBy: key
                    budgets:
                      - { metric: tokens, period: day, limit: 20000000, thresholds: [80%%, 100%%] }
                    notify: [quiet]
                  - name: project-month
                    keys: [%s]
                    models: [%s]
                    budgets:
                      - { metric: cost, period: month, limit: 1000000, thresholds: [50%%, 80%%, 100%%] }
                    notify: [quiet]
                  - name: model-week-growth
                    keys: [%s]
                    models: [%s]
                    groupBy: model
                    growth:
                      - { metric: tokens, period: week, increase: 30%% }
                    notify: [quiet]
                  - name: series-requests
                    keys: [%s]
                    models: [%s]
                    groupBy: series
                    budgets:
                      - { metric: requests, period: day, limit: 100000, thresholds: [100%%] }
                    notify: [quiet]
                digests:
                  - { name: daily, schedule: "0 0 9 * * ?", period: day, rules: [key-day], notify: [quiet] }
                  - { name: weekly, schedule: "0 0 9 ? * MON", period: week, rules: [project-month], notify: [quiet] }
                """.formatted(sim.baseUrl(), sim.publicKey(), sim.privateKey().reveal(),
                dir.resolve("state").resolve("budgetbot"), prices.toString().stripTrailing(),
                String.join(", ", keys), models, String.join(", ", keys), models, String.join(", ", keys), models,
                String.join(", ", keys), models);
    }
}

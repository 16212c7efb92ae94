package budgetbot.cli;

import budgetbot.app.App;
import budgetbot.app.Checker;
import budgetbot.app.Delivery;
import budgetbot.app.DigestService;
import budgetbot.app.Notifiers;
import budgetbot.config.BotConfig;
import budgetbot.config.ChannelConfig;
import budgetbot.config.ConfigLoader;
import budgetbot.config.Metric;
import budgetbot.config.RuleConfig;
import budgetbot.notify.DeliveryException;
import budgetbot.notify.Notifier;
import budgetbot.notify.email.EmlWriter;
import budgetbot.rules.Grouping;
import budgetbot.rules.Metrics;
import budgetbot.simulator.SimKeys;
import budgetbot.simulator.Simulator;
import budgetbot.simulator.SimulatorOptions;
import budgetbot.simulator.Rhythm;
import budgetbot.simulator.Spike;
import budgetbot.time.PeriodUnit;
import budgetbot.time.Window;
import budgetbot.ucloud.UCloudClient;
import budgetbot.usage.KeyLimits;
import budgetbot.usage.Series;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Run the whole pipeline once with no credentials, against a built-in UCloud simulator.",
                "The simulator has a usage spike, a key near its UCloud daily limit (a quota alert) and a budget",
                "that caps a key automatically through UpdateUMInferAPIKey; state goes to an H2 database in the",
                "output folder. Alerts and a digest are shown on the console (as Slack text) and written as .eml",
                "files and digest files; the budget actions are listed at the end."})
final class DemoCommand implements Callable<Integer> {
    private static final List<String> KEYS = List.of("uminferapikey-prod", "uminferapikey-batch");
    private static final List<String> MODELS = List.of("deepseek-ai/DeepSeek-R1", "Qwen/QwQ-32B");
    private static final String DAILY_LIMIT = "DEMO_DAILY_TOKEN_LIMIT";
    private static final String MONTHLY_LIMIT = "DEMO_MONTHLY_COST_LIMIT";
    private static final String COST_CAP = "DEMO_DAILY_COST_CAP";
    /** demo/rules.yml's timezone, for an {@code --at} without an offset. */
    private static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");
    /** The batch key's UCloud daily limit and its use: near enough to the limit for a quota alert at 95%. */
    private static final KeyLimits BATCH_LIMITS = new KeyLimits(new KeyLimits.Limit(BigDecimal.valueOf(100),
            new BigDecimal("96.5")), KeyLimits.Limit.NONE, false);

    @Option(names = "--out", paramLabel = "DIR", description = "where to put the demo's files (default: a new temporary folder)")
    Path out;

    @Option(names = "--at", paramLabel = "TIME", description = {"run the demo as of this moment, the simulator's"
            + " usage included (default now; times without an offset are in Asia/Shanghai, demo/rules.yml's"
            + " timezone): " + Times.FORMS})
    String at;

    @Override
    public Integer call() throws Exception {
        Path dir = out != null ? Files.createDirectories(out) : Files.createTempDirectory("budgetbot-demo-");
        Clock clock = at == null ? Clock.systemUTC()
                : Clock.fixed(Times.parse(at, ZONE, Instant.now()), ZoneOffset.UTC);
        Instant now = clock.instant();
        // a week's rhythm with little noise, so that the spike stands out of the hours anomaly checks compare it with
        SimulatorOptions opts = SimulatorOptions.defaults(clock).withKeys(KEYS).withModels(MODELS)
                .withSpike(Spike.lastHours(KEYS.get(0), 3, 6)).withRhythm(Rhythm.WEEKLY);
        try (Simulator sim = Simulator.start(opts)) {
            sim.keys().put(SimKeys.Key.enabled(KEYS.get(1), MODELS).with(BATCH_LIMITS));
            Path file = writeConfig(dir);
            Map<String, String> env = environment(sim, dir);
            // first with placeholder limits, to size the real ones from what demo/rules.yml says
            env.put(DAILY_LIMIT, "1");
            env.put(MONTHLY_LIMIT, "1");
            env.put(COST_CAP, "1");
            limits(ConfigLoader.load(file, env), sim, now, env);
            BotConfig cfg = ConfigLoader.load(file, env);
            Map<String, Notifier> notifiers = new HashMap<>(Notifiers.create(cfg.channels(), cfg.publicUrl(), clock,
                    System.out));
            Path mail = dir.resolve("mail");
            cfg.channels().values().stream().filter(c -> c instanceof ChannelConfig.Email)
                    .forEach(c -> notifiers.put(c.name(), emlFiles((ChannelConfig.Email) c, mail, clock)));
            System.out.println("budgetbot demo: simulated UCloud at " + sim.baseUrl() + ", keys " + KEYS + ", models " + MODELS);
            System.out.println(KEYS.get(1) + " has used CNY " + BATCH_LIMITS.daily().used() + " of its UCloud daily "
                    + "limit CNY " + BATCH_LIMITS.daily().amount() + "; " + KEYS.get(0) + " has spent more today than "
                    + "prod-cap's budget, which caps it automatically");
            System.out.println("usage spike: " + KEYS.get(0) + " x6 over the last 3 hours; evaluating as of "
                    + now.truncatedTo(ChronoUnit.SECONDS).atZone(cfg.calendar().zone()).toOffsetDateTime() + " ("
                    + cfg.calendar().zone().getId() + ")");
            System.out.println();
            UCloudClient ucloud = UCloudClient.create(cfg.ucloud(), cfg.calendar().zone());
            try (App app = App.open(cfg, ucloud, ucloud, notifiers, clock)) {
                new Checker(app).check(now, Optional.empty(), false).forEach(o -> System.out.println(o.summary()));
                System.out.println(Delivery.summary("alert delivery", Delivery.deliverNow(app)));
                DigestService digests = new DigestService(app);
                for (var digest : cfg.digests()) {
                    var rendered = digests.send(digest, now, false).rendered();
                    if (rendered.isPresent()) {
                        rendered.get().writeTo(dir.resolve("digest"));
                    }
                }
                System.out.println(Delivery.summary("digest delivery", Delivery.deliverNow(app)));
                System.out.println();
                System.out.println("Budget actions (budgetbot action list --config " + file + "):");
                app.actions().list().forEach(a -> System.out.println("  " + ActionCommand.ListActions.line(app, a)));
                System.out.println("Simulated UCloud's keys now (ListUMInferAPIKey): " + sim.keys().all().stream()
                        .map(k -> k.id() + " DailyLimitAmount=" + k.limits().daily().amount().toPlainString()
                                + " DailyUsedAmount=" + k.limits().daily().used().toPlainString())
                        .collect(Collectors.joining(", ")));
            }
        }
        System.out.println();
        System.out.println("Config used:      " + dir.resolve("rules.yml"));
        System.out.println("Emails (.eml):    " + dir.resolve("mail"));
        System.out.println("Digest files:     " + dir.resolve("digest") + " (HTML, text, PNG chart)");
        System.out.println("Run `demo --out " + dir + "` again: nothing is sent twice for the same period.");
        return 0;
    }

    private static Path writeConfig(Path dir) throws IOException {
        Path file = dir.resolve("rules.yml");
        try (InputStream in = DemoCommand.class.getResourceAsStream("/demo/rules.yml")) {
            Files.write(file, in.readAllBytes());
        }
        return file;
    }

    /** The simulator's address and key pair, and a state database in the demo's folder. */
    private static Map<String, String> environment(Simulator sim, Path dir) {
        Map<String, String> env = new HashMap<>();
        env.put("DEMO_UCLOUD_URL", sim.baseUrl().toString());
        env.put("DEMO_PUBLIC_KEY", sim.publicKey());
        env.put("DEMO_PRIVATE_KEY", sim.privateKey().reveal());
        env.put("DEMO_STATE_URL", "jdbc:h2:file:" + dir.resolve("state").resolve("budgetbot").toAbsolutePath());
        return env;
    }

    /**
     * Limits sized from the simulator's data, so that there is something to announce at any time of day: the
     * first key of {@code prod-daily} has used 85% of its daily token budget, everything {@code monthly-spend}
     * covers 90% of its monthly cost budget, and {@code prod-cap}'s key has spent 110% of its daily cost budget.
     */
    private static void limits(BotConfig cfg, Simulator sim, Instant now, Map<String, String> env) {
        RuleConfig daily = cfg.rule("prod-daily").orElseThrow();
        Window today = cfg.calendar().soFar(PeriodUnit.DAY, now);
        long prodToday = daily.models().values().stream()
                .mapToLong(m -> sim.expected(new Series(daily.keys().values().get(0), m), today).totalTokens()).sum();
        env.put(DAILY_LIMIT, String.valueOf(Math.max(1000, Math.round(prodToday / 0.85))));

        RuleConfig monthly = cfg.rule("monthly-spend").orElseThrow();
        Window month = cfg.calendar().soFar(PeriodUnit.MONTH, now);
        BigDecimal monthCost = cost(cfg, monthly, sim, month);
        env.put(MONTHLY_LIMIT, monthCost.divide(BigDecimal.valueOf(0.9), 2, RoundingMode.HALF_UP).max(BigDecimal.ONE)
                .toPlainString());

        RuleConfig cap = cfg.rule("prod-cap").orElseThrow();
        // at least a cent: a limit of 0 is none, and in the first seconds of a day the key may have spent nothing
        env.put(COST_CAP, cost(cfg, cap, sim, today).divide(BigDecimal.valueOf(1.1), 2, RoundingMode.DOWN)
                .max(new BigDecimal("0.01")).toPlainString());
    }

    /** What the simulator's usage of the rule's series cost in {@code window}. */
    private static BigDecimal cost(BotConfig cfg, RuleConfig rule, Simulator sim, Window window) {
        return Grouping.series(rule).stream()
                .map(s -> Metrics.value(Metric.COST, sim.expected(s, window), cfg.prices().of(s.model())))
                .reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    /** The demo's email channels write .eml files instead of talking to an SMTP server. */
    private static Notifier emlFiles(ChannelConfig.Email channel, Path dir, Clock clock) {
        return message -> {
            try {
                EmlWriter.write(message, channel, clock.instant(), dir);
            } catch (IOException e) {
                throw DeliveryException.retryable("cannot write .eml into " + dir + ": " + e.getMessage(), e);
            }
        };
    }
}

package budgetbot.app;

import budgetbot.config.BotConfig;
import budgetbot.config.ConfigLoader;
import budgetbot.notify.Notifier;
import budgetbot.simulator.Simulator;
import budgetbot.simulator.SimulatorOptions;
import budgetbot.testing.MutableClock;
import budgetbot.time.PeriodCalendar;
import budgetbot.time.PeriodUnit;
import budgetbot.ucloud.UCloudClient;
import budgetbot.usage.Series;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One check over several rules asks UCloud once per (window, series), however many rules share it, and what
 * becomes due together for a rule's group goes out as one message per channel.
 */
class CheckerTest {
    private static final Instant AT = Instant.parse("2026-11-20T07:00:00Z");

    @TempDir
    Path dir;

    @Test
    void rulesSharingKeysModelsAndPeriodsFetchEachPairOnce() throws IOException {
        try (Simulator sim = Simulator.start(SimulatorOptions.defaults(Clock.fixed(AT, ZoneOffset.UTC)))) {
            int oneRule = requestsFor(sim, 1);
            int threeRules = requestsFor(sim, 3);

            // day so far + yesterday's same span, for one key x one model
            assertThat(oneRule).isEqualTo(2);
            assertThat(threeRules).isEqualTo(oneRule);
        }
    }

    /**
     * {@code run} checks each rule in a job of its own, a few milliseconds apart: three rules over the same 200 series
     * ask UCloud for each series' open part once per cycle, not three times; the next cycle asks again.
     */
    @Test
    void rulesCheckedByTheirOwnJobsInOneCycleAskOncePerSeriesAndTheNextCycleAsksAgain() throws Exception {
        List<String> keys = SimulatorOptions.syntheticKeys(50);
        List<String> models = List.of("deepseek-ai/DeepSeek-R1", "deepseek-ai/DeepSeek-V3-0324", "Qwen/Qwen3-32B",
                "moonshotai/Kimi-K2-Instruct");
        MutableClock clock = new MutableClock(AT);
        try (Simulator sim = Simulator.start(SimulatorOptions.defaults(Clock.fixed(AT, ZoneOffset.UTC))
                .withKeys(keys).withModels(models))) {
            StringBuilder rules = new StringBuilder();
            for (String name : List.of("tokens", "requests", "spend")) {
                rules.append("""
                          - { name: %s, schedule: "*/20 * * * * ?", keys: [%s], models: [%s], groupBy: key,
                              notify: [ops], budgets: [{ metric: tokens, period: month, limit: 1G }] }
                        """.formatted(name, String.join(", ", keys), String.join(", ", models)));
            }
            Path file = Files.writeString(dir.resolve("rules.yml"), """
                    ucloud: { baseUrl: "%s", publicKey: "%s", privateKey: "%s" }
                    state: { url: "jdbc:h2:file:%s" }
                    channels: { ops: { type: console } }
                    rules:
                    %s""".formatted(sim.baseUrl(), sim.publicKey(), sim.privateKey().reveal(),
                    dir.resolve("state").resolve("db").toAbsolutePath(), rules));
            BotConfig cfg = ConfigLoader.load(file, Map.of());
            UCloudClient ucloud = UCloudClient.create(cfg.ucloud(), cfg.calendar().zone());
            try (App app = App.open(cfg, ucloud, ucloud, Map.of("ops", message -> { }), clock)) {
                cycle(app, clock);  // the first cycle also fetches the settled days of the month, once
                int before = usageRequests(sim);
                clock.advance(Duration.ofSeconds(20));
                cycle(app, clock);
                int secondCycle = usageRequests(sim) - before;
                clock.advance(Duration.ofSeconds(20));
                cycle(app, clock);
                int thirdCycle = usageRequests(sim) - before - secondCycle;

                assertThat(secondCycle).as("one request per series for three rules").isEqualTo(200);
                assertThat(thirdCycle).as("the next cycle asks again").isEqualTo(200);
            }
        }
    }

    /** The three rules' jobs, at once on threads of their own, each checking as of its own moment. */
    private static void cycle(App app, MutableClock clock) throws Exception {
        List<Future<Checker.Outcome>> jobs = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            for (var rule : app.config().rules()) {
                jobs.add(pool.submit(() -> new Checker(app).checkRule(rule, clock.instant(), false)));
                clock.advance(Duration.ofMillis(7));
            }
            for (var job : jobs) {
                assertThat(job.get().error()).isEmpty();
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void aDryRunNeitherAnnouncesNorRecordsWhatARuleCannotSee() throws IOException {
        try (Simulator sim = Simulator.start(SimulatorOptions.defaults(Clock.fixed(AT, ZoneOffset.UTC)))) {
            Path file = Files.writeString(dir.resolve("rules.yml"), """
                    ucloud: { baseUrl: "%s", publicKey: "%s", privateKey: "%s" }
                    state: { url: "jdbc:h2:file:%s" }
                    channels: { ops: { type: console } }
                    rules:
                      - { name: typo, keys: [uminferapikey-dmeo1], models: [Qwen/Qwen3-32B], notify: [ops],
                          budgets: [{ metric: tokens, limit: 1G }] }
                    """.formatted(sim.baseUrl(), sim.publicKey(), sim.privateKey().reveal(),
                    dir.resolve("state").resolve("db").toAbsolutePath()));
            BotConfig cfg = ConfigLoader.load(file, Map.of());
            UCloudClient ucloud = UCloudClient.create(cfg.ucloud(), cfg.calendar().zone());
            try (App app = App.open(cfg, ucloud, ucloud, Map.of("ops", message -> { }),
                    Clock.fixed(AT, ZoneOffset.UTC))) {
                Checker checker = new Checker(app);

                assertThat(checker.check(AT, Optional.empty(), true)).singleElement()
                        .satisfies(o -> assertThat(o.error()).isEmpty());
                assertThat(app.outbox().pending()).isEmpty();
                checker.check(AT, Optional.empty(), false);
                assertThat(app.outbox().pending()).singleElement().satisfies(e -> assertThat(e.message().subject())
                        .startsWith("[budgetbot] typo is misconfigured: unknown key \"uminferapikey-dmeo1\""));
            }
        }
    }

    @Test
    void aThresholdAndAForecastDueTogetherAreOneMessagePerChannel() throws IOException {
        try (Simulator sim = Simulator.start(SimulatorOptions.defaults(Clock.fixed(AT, ZoneOffset.UTC)))) {
            Series series = new Series("uminferapikey-demo1", "Qwen/Qwen3-32B");
            long today = sim.expected(series, PeriodCalendar.of(ZoneId.of("Asia/Shanghai")).soFar(PeriodUnit.DAY, AT))
                    .totalTokens();
            // 15:00 in Shanghai: used is 80% of the limit, and the day's pace projects past it
            String yaml = """
                    ucloud: { baseUrl: "%s", publicKey: "%s", privateKey: "%s" }
                    state: { url: "jdbc:h2:file:%s" }
                    channels: { ops: { type: console }, mail: { type: console } }
                    rules:
                      - name: r
                        keys: [%s]
                        models: [%s]
                        budgets: [{ metric: tokens, limit: %d, thresholds: [50%%, 100%%], forecast: true }]
                        notify: [ops, mail]
                    """.formatted(sim.baseUrl(), sim.publicKey(), sim.privateKey().reveal(),
                    dir.resolve("state").resolve("db").toAbsolutePath(), series.keyId(), series.model(),
                    today * 5 / 4);
            BotConfig cfg = ConfigLoader.load(Files.writeString(dir.resolve("rules.yml"), yaml), Map.of());
            List<String> sent = new ArrayList<>();
            Map<String, Notifier> notifiers = Map.of("ops", m -> sent.add("ops: " + m.subject()),
                    "mail", m -> sent.add("mail: " + m.subject()));
            UCloudClient ucloud = UCloudClient.create(cfg.ucloud(), cfg.calendar().zone());
            try (App app = App.open(cfg, ucloud, ucloud, notifiers, Clock.fixed(AT, ZoneOffset.UTC))) {
                Checker.Outcome outcome = new Checker(app).check(AT, Optional.empty(), false).get(0);
                app.dispatcher().drainAll();

                assertThat(outcome.announced()).hasSize(4);
                assertThat(outcome.summary()).isEqualTo("r: 2 conditions, 2 active (daily token budget at 80%;"
                        + " daily token budget forecast), 2 notifications");
            }
            assertThat(sent).hasSize(2).allSatisfy(s -> assertThat(s).contains(
                    "[budgetbot] r: 80% of daily token budget used (crossed 50%); at this rate over the limit at"));
        }
    }

    private int requestsFor(Simulator sim, int rules) throws IOException {
        StringBuilder yaml = new StringBuilder("""
                ucloud: { baseUrl: "%s", publicKey: "%s", privateKey: "%s" }
                state: { url: "jdbc:h2:file:%s" }
                channels: { ops: { type: console } }
                rules:
                """.formatted(sim.baseUrl(), sim.publicKey(), sim.privateKey().reveal(),
                dir.resolve("state-" + rules).resolve("db").toAbsolutePath()));
        for (int i = 0; i < rules; i++) {
            yaml.append("""
                      - name: r%d
                        keys: [uminferapikey-demo1]
                        models: [Qwen/Qwen3-32B]
                        budgets: [{ metric: tokens, limit: %dk }]
                        growth: [{ metric: tokens, increase: 50%% }]
                        notify: [ops]
                    """.formatted(i, 100 + i));
        }
        Path file = Files.writeString(dir.resolve("rules-" + rules + ".yml"), yaml);
        BotConfig cfg = ConfigLoader.load(file, Map.of());
        int before = usageRequests(sim);
        Notifier quiet = message -> { };
        UCloudClient ucloud = UCloudClient.create(cfg.ucloud(), cfg.calendar().zone());
        try (App app = App.open(cfg, ucloud, ucloud, Map.of("ops", quiet), Clock.fixed(AT, ZoneOffset.UTC))) {
            assertThat(new Checker(app).check(AT, Optional.empty(), true)).hasSize(rules)
                    .allSatisfy(o -> assertThat(o.error()).isEmpty());
        }
        return usageRequests(sim) - before;
    }

    /** Requests for usage; the listing of keys and models is not what this test counts. */
    private static int usageRequests(Simulator sim) {
        return (int) sim.requests().stream().filter(r -> Simulator.TOKEN_USAGE.equals(r.get("Action"))).count();
    }
}

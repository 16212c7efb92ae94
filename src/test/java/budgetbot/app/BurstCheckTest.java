package budgetbot.app;

import budgetbot.config.BotConfig;
import budgetbot.config.ConfigLoader;
import budgetbot.notify.Message;
import budgetbot.notify.Notifier;
import budgetbot.simulator.Simulator;
import budgetbot.simulator.SimulatorOptions;
import budgetbot.time.PeriodCalendar;
import budgetbot.time.PeriodUnit;
import budgetbot.ucloud.UCloudClient;
import budgetbot.usage.Series;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** Fifteen keys of one rule against the simulator: per-key limits, and a burst that goes out as one message. */
class BurstCheckTest {
    private static final Instant AT = Instant.parse("2026-11-20T07:00:00Z");
    private static final List<String> KEYS = SimulatorOptions.syntheticKeys(15);
    private static final String MODEL = "Qwen/Qwen3-32B";

    @TempDir
    Path dir;

    @Test
    void aPerKeyLimitFiresForItsKeyAloneAndABurstOfFifteenKeysIsOneMessagePerChannel() throws Exception {
        try (Simulator sim = Simulator.start(SimulatorOptions.defaults(Clock.fixed(AT, ZoneOffset.UTC))
                .withKeys(KEYS).withModels(List.of(MODEL)))) {
            long[] today = KEYS.stream().mapToLong(k -> sim.expected(new Series(k, MODEL),
                    PeriodCalendar.of(ZoneId.of("Asia/Shanghai")).soFar(PeriodUnit.DAY, AT)).totalTokens()).toArray();
            String keys = String.join(", ", KEYS);
            // the first key over its own limit, the second far under its own, the rest far under the default
            String yaml = """
                    timezone: Asia/Shanghai
                    ucloud: { baseUrl: "%s", publicKey: "%s", privateKey: "%s" }
                    state: { url: "jdbc:h2:file:%s" }
                    channels: { ops: { type: console }, mail: { type: console } }
                    keyNames: { %s: 财务组 }
                    rules:
                      - name: own-limits
                        keys: [%s]
                        models: [%s]
                        groupBy: key
                        budgets:
                          - { metric: tokens, limit: { %s: %d, %s: %d, "*": %d }, thresholds: [100%%] }
                        notify: [ops]
                      - name: all-over
                        keys: [%s]
                        models: [%s]
                        groupBy: key
                        budgets: [{ metric: tokens, limit: 1, thresholds: [100%%] }]
                        notify: [ops, mail]
                    """.formatted(sim.baseUrl(), sim.publicKey(), sim.privateKey().reveal(),
                    dir.resolve("state").resolve("db").toAbsolutePath(), KEYS.get(1), keys, MODEL, KEYS.get(0), today[0] / 2,
                    KEYS.get(1), today[1] * 100, today[2] * 100, keys, MODEL);
            BotConfig cfg = ConfigLoader.load(Files.writeString(dir.resolve("rules.yml"), yaml), Map.of());
            List<String> sent = new CopyOnWriteArrayList<>();
            List<Message> toOps = new CopyOnWriteArrayList<>();
            Notifier ops = m -> {
                sent.add("ops: " + m.subject());
                toOps.add(m);
            };
            Notifier mail = m -> sent.add("mail: " + m.subject());
            UCloudClient ucloud = UCloudClient.create(cfg.ucloud(), cfg.calendar().zone());
            String firstName;
            try (App app = App.open(cfg, ucloud, ucloud, Map.of("ops", ops, "mail", mail),
                    Clock.fixed(AT, ZoneOffset.UTC))) {
                List<Checker.Outcome> outcomes = new Checker(app).check(AT, Optional.empty(), false);
                firstName = app.discovery().names().get(KEYS.get(0));
                app.dispatcher().drainAll();

                assertThat(outcomes.get(0).findings()).filteredOn(f -> f.active()).singleElement()
                        .satisfies(f -> assertThat(f.group()).isEqualTo(KEYS.get(0)));
                assertThat(outcomes.get(1).summary()).endsWith("15 active (" + String.join("; ", outcomes.get(1)
                        .findings().stream().map(budgetbot.render.AlertFormatter::summary).toList())
                        + "), 2 notifications");
            }
            assertThat(sent).hasSize(3);
            assertThat(firstName).as("UCloud lists a name").isNotBlank().isNotEqualTo(KEYS.get(0));
            assertThat(sent.get(0)).as("the key's UCloud name beside its id")
                    .startsWith("ops: [budgetbot] own-limits (" + firstName + " (" + KEYS.get(0) + ")): ");
            assertThat(sent.subList(1, 3)).containsExactlyInAnyOrder(
                    "ops: " + toOps.get(1).subject(), "mail: " + toOps.get(1).subject());
            Message burst = toOps.get(1);
            assertThat(burst.subject()).startsWith("[budgetbot] all-over: 15 groups, worst ");
            List<String> worstFirst = java.util.stream.IntStream.range(0, KEYS.size()).boxed()
                    .sorted((a, b) -> Long.compare(today[b], today[a])).map(KEYS::get).toList();
            assertThat(burst.text()).as("every key, the most used first")
                    .containsSubsequence(worstFirst.stream().map(k -> " (" + k + ")\n").toList());
            assertThat(burst.brief().alerts()).hasSize(15);
            assertThat(burst.text()).as("keyNames: over UCloud's name").contains("\n财务组 (" + KEYS.get(1) + ")\n");
        }
    }
}

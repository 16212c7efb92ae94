package budgetbot.schedule;

import budgetbot.app.App;
import budgetbot.config.BotConfig;
import budgetbot.config.ConfigLoader;
import budgetbot.notify.Message;
import budgetbot.simulator.SimKeys;
import budgetbot.simulator.Simulator;
import budgetbot.simulator.SimulatorOptions;
import budgetbot.ucloud.UCloudClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.quartz.SchedulerException;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static budgetbot.schedule.TestBot.EVERY_SECOND;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code run} never silently blind, on the in-memory scheduler in real time against the simulator: a rule naming a
 * key UCloud does not list gets one alert, {@code keys: "*"} picks up a key created while running, and usage that
 * cannot be fetched for longer than {@code staleAfter} gets one alert, and one more when it can again.
 */
class NeverBlindTest {
    static final String QWEN = "Qwen/Qwen3-32B";
    static final List<String> KEYS = List.of("uminferapikey-demo1", "uminferapikey-demo2");
    static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    Simulator sim;
    final List<AutoCloseable> running = new ArrayList<>();
    Fires fires;

    @AfterEach
    void stop() throws Exception {
        stopBot();
        sim.close();
    }

    @Test
    void aKeyUCloudDoesNotListGetsOneAlertWhileTheRuleKeepsCheckingTheOthers() throws Exception {
        sim = simulator(0);
        Path config = write("[uminferapikey-demo1, uminferapikey-dmeo2]", "1s", "30m");
        Recorder ops = Recorder.open();
        start(config, ops);

        await().atMost(WAIT).until(() -> ops.sent("notice").size() == 1);
        Message notice = ops.sent("notice").get(0);
        assertThat(notice.subject()).isEqualTo("[budgetbot] spend is misconfigured: unknown key"
                + " \"uminferapikey-dmeo2\"; did you mean `uminferapikey-demo2`?; the project's keys:"
                + " uminferapikey-demo1, uminferapikey-demo2");
        assertThat(notice.text()).contains("the rule keeps checking its other keys and models");
        // discovery every second and checks every second review the scope again: no second alert, also after a restart
        restart(config, ops);
        int requests = sim.requests().size();
        await().atMost(WAIT).until(() -> usageRequests(requests, "uminferapikey-demo1") >= 3);
        assertThat(ops.sent("notice")).hasSize(1);
        assertThat(usageRequests(0, "uminferapikey-dmeo2")).isZero();
    }

    @Test
    void everyKeyPicksUpAKeyCreatedWhileRunning() throws Exception {
        sim = simulator(0);
        Recorder ops = Recorder.open();
        start(write("\"*\"", "1s", "30m"), ops);
        await().atMost(WAIT).until(() -> alertedGroups(ops).containsAll(KEYS));

        sim.keys().put(SimKeys.Key.enabled("uminferapikey-new", List.of(QWEN)));

        await().atMost(WAIT).until(() -> alertedGroups(ops).contains("uminferapikey-new"));
        assertThat(ops.sent("notice")).isEmpty();
    }

    /** With "*", the keys cannot be listed either: the rule sees nothing until they can. */
    @ParameterizedTest(name = "keys: {0}")
    @ValueSource(strings = {"[uminferapikey-demo1]", "\"*\""})
    void unreachableUCloudPastStaleAfterGetsOneAlertAndOneMoreWhenItIsBack(String keys) throws Exception {
        sim = simulator(freePort());
        sim.close();
        Path config = write(keys, "1h", "2s");
        Recorder ops = Recorder.open();
        start(config, ops);

        await().atMost(WAIT).until(() -> ops.sent("notice").size() == 1);
        Message unavailable = ops.sent("notice").get(0);
        assertThat(unavailable.subject()).startsWith("[budgetbot] spend: usage data unavailable since ");
        assertThat(unavailable.text()).contains("Cause: ").contains("UCloud still failing after 1 attempts: no answer"
                + " from 127.0.0.1: java.net.ConnectException");
        afterMoreChecks(2);
        assertThat(ops.sent("notice")).hasSize(1);

        sim = simulator(sim.port());
        await().atMost(WAIT).until(() -> ops.sent("notice").size() == 2);
        assertThat(ops.sent("notice").get(1).subject()).isEqualTo("[budgetbot] RECOVERED spend: usage data available"
                + " again");
        afterMoreChecks(2);
        assertThat(ops.sent("notice")).hasSize(2);
    }

    private static Simulator simulator(int port) {
        return Simulator.start(new SimulatorOptions(port, 42, KEYS, List.of(QWEN), Optional.empty(),
                Clock.systemUTC()));
    }

    /** One rule checked every second on channel ops, against the simulator's port, whether it is up or not. */
    private Path write(String keys, String discoveryInterval, String staleAfter) throws IOException {
        // with "*" every key is over its monthly budget at once, to see which keys are watched; otherwise nothing is
        boolean every = keys.equals("\"*\"");
        return Files.writeString(dir.resolve("rules.yml"), """
                timezone: Asia/Shanghai
                ucloud:
                  baseUrl: http://127.0.0.1:%d/
                  publicKey: %s
                  privateKey: %s
                  timeout: 2s
                  maxRetries: 0
                  discoveryInterval: %s
                state:
                  url: "jdbc:h2:file:%s"
                channels:
                  ops: { type: console }
                rules:
                  - name: spend
                    schedule: "%s"
                    keys: %s
                    models: [%s]
                    groupBy: key
                    budgets:
                      - { metric: tokens, period: %s, limit: %s, thresholds: [100%%] }
                    notify: [ops]
                    staleAfter: %s
                """.formatted(sim.port(), sim.publicKey(), sim.privateKey().reveal(), discoveryInterval,
                dir.resolve("state/budgetbot").toAbsolutePath(), EVERY_SECOND, keys, QWEN, every ? "month" : "day",
                every ? "100" : "1000G", staleAfter));
    }

    private void start(Path config, Recorder ops) throws SchedulerException {
        BotConfig cfg = ConfigLoader.load(config, Map.of());
        UCloudClient ucloud = UCloudClient.create(cfg.ucloud(), cfg.calendar().zone());
        App app = App.open(cfg, ucloud, ucloud, Map.of("ops", ops), Clock.systemUTC());
        running.add(app);
        BotScheduler scheduler = BotScheduler.start(app, Duration.ofSeconds(1));
        running.add(scheduler);
        fires = Fires.on(scheduler);
    }

    /** Returns once the rule has been checked {@code n} more times, and the outbox drained after the last. */
    private void afterMoreChecks(int n) {
        int checks = fires.of("rule:spend").size();
        await().atMost(WAIT).until(() -> fires.of("rule:spend").size() >= checks + n);
        int drains = fires.of("outbox").size();
        await().atMost(WAIT).until(() -> fires.of("outbox").size() > drains);
    }

    private void restart(Path config, Recorder ops) throws Exception {
        stopBot();
        start(config, ops);
    }

    /** Stops the scheduler (waiting for its jobs), then closes the app. */
    private void stopBot() throws Exception {
        for (int i = running.size() - 1; i >= 0; i--) {
            running.get(i).close();
        }
        running.clear();
    }

    private int usageRequests(int from, String key) {
        List<Map<String, String>> all = sim.requests();
        return (int) all.subList(Math.min(from, all.size()), all.size()).stream()
                .filter(r -> Simulator.TOKEN_USAGE.equals(r.get("Action")) && key.equals(r.get("KeyId"))).count();
    }

    /** The keys named in the subjects of the alerts sent so far ("spend (key): ..."). */
    private static List<String> alertedGroups(Recorder ops) {
        // the group is the first parenthesis of the subject, the key's id in the name's parenthesis:
        // "[budgetbot] spend (客服组 (KEY)): 97% of ... (crossed 80%)"
        return ops.sent("alert").stream().map(m -> m.subject().replaceAll("^[^(]*\\((?:[^()]*\\()?([^()]*)\\).*$", "$1"))
                .toList();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}

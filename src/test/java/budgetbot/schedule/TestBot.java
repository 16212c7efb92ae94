package budgetbot.schedule;

import budgetbot.app.App;
import budgetbot.config.BotConfig;
import budgetbot.config.ConfigLoader;
import budgetbot.simulator.Simulator;
import budgetbot.simulator.SimulatorOptions;
import budgetbot.ucloud.UCloudClient;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

/**
 * A simulated UCloud and a config file pointing at it, for scheduler tests: one rule {@code spend} with a
 * daily token budget far below the simulator's usage, one daily digest {@code daily}, both on channel {@code ops}.
 */
final class TestBot implements AutoCloseable {
    /** Never fires while a test runs. */
    static final String NEVER = "0 0 0 1 1 ? 2099";
    static final String EVERY_SECOND = "* * * * * ?";
    static final String RULE = "spend";
    static final String DIGEST = "daily";

    final Simulator sim;
    final Clock clock;
    final Path file;
    private final String stateUrl;
    private final boolean cluster;
    private String connectTimeout = "30s";

    private TestBot(Simulator sim, Clock clock, Path file, String stateUrl, boolean cluster) {
        this.sim = sim;
        this.clock = clock;
        this.file = file;
        this.stateUrl = stateUrl;
        this.cluster = cluster;
    }

    /** With its state in an H2 file under {@code dir}, the scheduler in memory. */
    static TestBot inMemory(Path dir, Instant now) {
        return inMemory(dir, Clock.fixed(now, ZoneOffset.UTC));
    }

    /** As {@link #inMemory(Path, Instant)}, the app and the simulator on {@code clock}. */
    static TestBot inMemory(Path dir, Clock clock) {
        return create(dir, clock, "jdbc:h2:file:" + dir.resolve("state/budgetbot").toAbsolutePath(), false);
    }

    /** With its state at {@code stateUrl}, the scheduler in memory. */
    static TestBot on(Path dir, Instant now, String stateUrl) {
        return create(dir, Clock.fixed(now, ZoneOffset.UTC), stateUrl, false);
    }

    /** Clustered, with its state (and Quartz's tables) at {@code stateUrl}. */
    static TestBot clustered(Path dir, Instant now, String stateUrl) {
        return create(dir, Clock.fixed(now, ZoneOffset.UTC), stateUrl, true);
    }

    private static TestBot create(Path dir, Clock clock, String stateUrl, boolean cluster) {
        Simulator sim = Simulator.start(SimulatorOptions.defaults(clock));
        return new TestBot(sim, clock, dir.resolve("rules.yml"), stateUrl, cluster);
    }

    /** Writes {@code state.connectTimeout} into the config files it writes from now on. */
    TestBot withConnectTimeout(String timeout) {
        this.connectTimeout = timeout;
        return this;
    }

    /** Writes the config file with these crons (and an extra rule when {@code extraRule} is not empty). */
    TestBot write(String ruleCron, String digestCron, String extraRule) {
        String extra = extraRule.isEmpty() ? "" : """
                  - name: %s
                    schedule: "%s"
                    keys: [uminferapikey-demo2]
                    models: [Qwen/Qwen3-32B]
                    budgets:
                      - { metric: tokens, period: day, limit: 100 }
                    notify: [ops]
                """.formatted(extraRule, NEVER);
        String yaml = """
                timezone: Asia/Shanghai
                ucloud:
                  baseUrl: %s
                  publicKey: %s
                  privateKey: %s
                  maxRetries: 0
                state:
                  url: "%s"
                  cluster: %s
                  connectTimeout: %s
                channels:
                  ops: { type: console }
                rules:
                  - name: %s
                    schedule: "%s"
                    keys: [uminferapikey-demo1]
                    models: [Qwen/Qwen3-32B]
                    budgets:
                      - { metric: tokens, period: day, limit: 100 }
                    notify: [ops]
                %sdigests:
                  - name: %s
                    schedule: "%s"
                    period: day
                    rules: [%s]
                    notify: [ops]
                """.formatted(sim.baseUrl(), sim.publicKey(), sim.privateKey().reveal(), stateUrl, cluster,
                connectTimeout, RULE, ruleCron, extra, DIGEST, digestCron, RULE);
        return write(yaml);
    }

    TestBot write(String yaml) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    BotConfig load() {
        return ConfigLoader.load(file, Map.of());
    }

    /** The app of {@code cfg}, talking to the simulator and delivering channel {@code ops} to {@code ops}. */
    App open(BotConfig cfg, Recorder ops) {
        UCloudClient ucloud = UCloudClient.create(cfg.ucloud(), cfg.calendar().zone());
        return App.open(cfg, ucloud, ucloud, Map.of("ops", ops), clock);
    }

    @Override
    public void close() {
        sim.close();
    }
}

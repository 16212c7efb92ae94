package budgetbot.e2e;

import budgetbot.simulator.Simulator;
import budgetbot.simulator.SimulatorOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.time.Clock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code budgetbot run} as a supervisor sees it: a process that either runs jobs or ends with a reason. */
class RunE2ETest {
    private static final String DEBUG_LOG = "e2e/logback-debug.xml";
    @TempDir
    Path dir;

    /**
     * A rule that never fires on its own (run evaluates it at start) and a daily digest whose time (midnight) has
     * come today, for a day that ended before this new installation's first start (so it is not caught up).
     */
    private Path config(Simulator sim, String stateUrl, String extraRule) throws IOException {
        return Files.writeString(dir.resolve("rules.yml"), """
                timezone: UTC
                ucloud: { baseUrl: "%s", publicKey: "%s", privateKey: "%s" }
                state: { url: "%s" }
                channels: { ops: { type: console } }
                rules:
                  - { name: spend, schedule: "0 0 0 1 1 ? 2099", keys: [uminferapikey-demo1], models: [Qwen/Qwen3-32B],
                      budgets: [{ metric: tokens, period: day, limit: 100 }], notify: [ops] }
                %sdigests:
                  - { name: daily, schedule: "0 0 0 * * ?", period: day, rules: [spend], notify: [ops] }
                """.formatted(sim.baseUrl(), sim.publicKey(), sim.privateKey().reveal(), stateUrl, extraRule));
    }

    @Test
    void aReloadThatCanStartNeitherTheNewNorTheLastGoodConfigurationEndsRunWithExitOneAndSaysWhy() throws Exception {
        String stateUrl = "jdbc:h2:file:" + dir.resolve("state").resolve("budgetbot").toAbsolutePath();
        try (Simulator sim = Simulator.start(SimulatorOptions.defaults(Clock.systemUTC()));
             // its log at DEBUG: the evaluation at start shows only there
             Cli.Running run = Cli.start(Map.of(), Set.of(), List.of("-Dlogback.configurationFile=" + DEBUG_LOG),
                     "run", "--config", config(sim, stateUrl, "").toString(), "--reload-interval", "1",
                     "--outbox-interval", "1")) {
            // the scheduler started and evaluated the rule at once, though its cron never fires
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> run.err().contains("evaluating 1 rules now, at start")
                            && run.err().contains("check spend at ") && run.err().contains(" (dry run): "));
            assertThat(run.err()).contains("scheduler started")
                    .as("yesterday's digest: yesterday budgetbot was not installed").doesNotContain("was due at");

            Cli.Run dryRun = Cli.run("check", "--config", dir.resolve("rules.yml").toString(), "--dry-run").exits(0);
            assertThat(dryRun.out()).as("a dry run reads the state run holds").contains("spend: 1 condition, 1 active");

            // the state loses a table that starting a scheduler reads (to catch the digest up): no start can work
            try (Connection c = DriverManager.getConnection(stateUrl + ";AUTO_SERVER=TRUE");
                 Statement s = c.createStatement()) {
                s.execute("DROP TABLE installation");
            }
            config(sim, stateUrl, """
                      - { name: more, schedule: "0 0 0 1 1 ? 2099", keys: [uminferapikey-demo2], models: [Qwen/Qwen3-32B],
                          budgets: [{ metric: tokens, period: day, limit: 100 }], notify: [ops] }
                    """);

            Cli.Run ended = run.await().exits(1);

            assertThat(ended.err()).contains("error: " + dir.resolve("rules.yml") + " changed and its configuration "
                    + "did not start (", "), nor did the last good configuration again (", "): no job can run")
                    .contains("Table \"INSTALLATION\" not found");
        }
    }
}

package budgetbot.cli;

import budgetbot.e2e.Cli;
import budgetbot.simulator.Rhythm;
import budgetbot.simulator.Simulator;
import budgetbot.simulator.SimulatorOptions;
import budgetbot.simulator.Spike;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

class SimulatorCommandTest {
    @Test
    void printsTheUcloudBlockForTheSimulatorItStarted() {
        SimulatorCommand cmd = new SimulatorCommand();
        new CommandLine(cmd).parseArgs("--port", "0", "--seed", "5", "--keys", "k1,k2", "--models", "m1",
                "--spike", "k2", "--spike-factor", "4", "--spike-hours", "2", "--config", "rules.yml");
        StringWriter out = new StringWriter();

        try (Simulator sim = cmd.start(new PrintWriter(out))) {
            assertThat(out.toString()).contains(
                    "ucloud:\n  baseUrl: " + sim.baseUrl() + "\n  publicKey: " + sim.publicKey()
                            + "\n  privateKey: " + sim.privateKey().reveal() + "\n  projectId: \"\"\n",
                    "Keys:   k1, k2\n", "Models: m1\n", "Spike:  x4 on k2 for the last 2 hours\n",
                    "_sim/faults?kind=http500&count=2");
            SimulatorOptions opts = sim.options();
            assertThat(opts.seed()).isEqualTo(5);
            assertThat(opts.keys()).containsExactly("k1", "k2");
            assertThat(opts.models()).containsExactly("m1");
            assertThat(opts.spike()).contains(Spike.lastHours("k2", 2, 4));
        }
    }

    @Test
    void startsASpikeAtAKnownMomentOfTheHistory() {
        SimulatorCommand cmd = new SimulatorCommand();
        new CommandLine(cmd).parseArgs("--port", "0", "--keys", "k1", "--spike", "k1", "--spike-at",
                "2026-11-20T12:00+08:00", "--spike-hours", "3", "--spike-factor", "6");
        StringWriter out = new StringWriter();

        try (Simulator sim = cmd.start(new PrintWriter(out))) {
            assertThat(sim.options().spike()).contains(new Spike("k1", Optional.of(Instant.parse("2026-11-20T04:00:00Z")),
                    Duration.ofHours(3), 6));
            assertThat(out.toString()).contains("Spike:  x6 on k1 for 3 hours from 2026-11-20T04:00:00Z\n");
        }
    }

    /**
     * The shipped rules.yml, as a new user tries it: validate --online against the simulator as it starts without
     * options, its address and key pair in the environment the example reads them from.
     */
    @Test
    void theShippedRulesYmlValidatesOnlineAgainstTheSimulatorsDefaults() {
        SimulatorCommand cmd = new SimulatorCommand();
        new CommandLine(cmd).parseArgs("--port", "0");
        StringWriter out = new StringWriter();

        try (Simulator sim = cmd.start(new PrintWriter(out))) {
            assertThat(out.toString()).contains("export UCLOUD_BASE_URL=" + sim.baseUrl() + " UCLOUD_PUBLIC_KEY="
                    + sim.publicKey() + " UCLOUD_PRIVATE_KEY=" + sim.privateKey().reveal() + "\n");
            Map<String, String> env = Cli.environment(Map.of("UCLOUD_BASE_URL", sim.baseUrl().toString(),
                    "UCLOUD_PUBLIC_KEY", sim.publicKey(), "UCLOUD_PRIVATE_KEY", sim.privateKey().reveal(),
                    "SLACK_WEBHOOK_URL", "https://chat.example.test/hook/T0/B0/example",
                    "SLACK_BOT_TOKEN", "test-bot-token", "SMTP_PASSWORD", "example"), Set.of("UCLOUD_PROJECT_ID"));

            Cli.Run run = Cli.run(env, "validate", "--online", "--config", "rules.yml").exits(0);

            assertThat(run.out()).contains("UCloud serves every key and model they name");
            assertThat(sim.requests()).as("it asked the simulator").isNotEmpty();
        }
    }

    @Test
    void servesDemoKeysAndModelsWithoutASpikeByDefault() {
        SimulatorCommand cmd = new SimulatorCommand();
        new CommandLine(cmd).parseArgs("--port", "0");

        try (Simulator sim = cmd.start(new PrintWriter(new StringWriter()))) {
            assertThat(sim.options().keys()).containsAll(SimulatorOptions.DEFAULT_KEYS)
                    .containsAll(SimulatorCommand.EXAMPLE_KEYS);
            assertThat(sim.options().models()).containsAll(SimulatorOptions.DEFAULT_MODELS)
                    .containsAll(SimulatorCommand.EXAMPLE_MODELS);
            assertThat(sim.options().spike()).isEqualTo(Optional.empty());
            assertThat(sim.options().seed()).isEqualTo(42);
            assertThat(sim.options().rhythm()).isEqualTo(Rhythm.DAILY);
        }
    }

    @Test
    void servesAWeeklyRhythmWhenAskedAndRefusesAnUnknownOne() {
        SimulatorCommand cmd = new SimulatorCommand();
        new CommandLine(cmd).parseArgs("--port", "0", "--rhythm", "weekly");
        StringWriter out = new StringWriter();

        try (Simulator sim = cmd.start(new PrintWriter(out))) {
            assertThat(sim.options().rhythm()).isEqualTo(Rhythm.WEEKLY);
            assertThat(out.toString()).contains("Rhythm: weekly\n");
        }
        assertThat(catchThrowable(() -> new CommandLine(new SimulatorCommand()).parseArgs("--rhythm", "monthly")))
                .hasMessageContaining("expected daily or weekly, got 'monthly'");
    }

    @Test
    void servesSyntheticKeysAndLongWindowsForBenchmarks() {
        SimulatorCommand cmd = new SimulatorCommand();
        new CommandLine(cmd).parseArgs("--port", "0", "--synthetic-keys", "2500", "--max-window-days", "31");
        StringWriter out = new StringWriter();

        try (Simulator sim = cmd.start(new PrintWriter(out))) {
            assertThat(sim.options().keys()).hasSize(2500).startsWith("uminferapikey-sim-00001");
            assertThat(sim.options().maxWindow()).isEqualTo(Duration.ofDays(31));
            assertThat(out.toString()).contains("Keys:   uminferapikey-sim-00001 .. uminferapikey-sim-02500 (2500)\n",
                    "Stats:  curl '" + sim.baseUrl() + "_sim/stats'");
        }
    }

    @Test
    void describesItsOptions() {
        StringWriter out = new StringWriter();
        CommandLine cl = new CommandLine(new SimulatorCommand());
        cl.setOut(new PrintWriter(out));

        assertThat(cl.execute("--help")).isZero();
        assertThat(out.toString()).contains(List.of("--port", "--seed", "--keys", "--models", "--spike",
                "--spike-factor", "--spike-hours", "--synthetic-keys", "--max-window-days", "--config", "--version"));
    }
}

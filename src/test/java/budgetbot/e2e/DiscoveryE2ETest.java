package budgetbot.e2e;

import budgetbot.simulator.SimKeys;
import budgetbot.simulator.Simulator;
import budgetbot.usage.Series;
import budgetbot.usage.UsageTotals;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static budgetbot.e2e.Scenario.BATCH;
import static budgetbot.e2e.Scenario.PROD;
import static budgetbot.e2e.Scenario.QWQ;
import static budgetbot.e2e.Scenario.R1;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keys and models checked against UCloud from the command line: {@code validate --online}, {@code usage} with
 * {@code *}, and {@code check} announcing what a rule names that UCloud cannot serve, never showing a key's secret.
 */
class DiscoveryE2ETest {
    static final String OFF = "uminferapikey-off";

    @TempDir
    Path dir;

    final Simulator sim = Scenario.simulator();

    @AfterEach
    void stop() {
        sim.close();
    }

    /** The simulator's keys made interesting: batch may call R1 only, and a disabled key. */
    private Path config() {
        sim.keys().put(SimKeys.Key.enabled(BATCH, List.of(R1)));
        sim.keys().put(new SimKeys.Key(OFF, 0, -1, Scenario.MODELS));
        Map<String, String> values = new HashMap<>(Scenario.ucloud(sim));
        values.put("STATE_URL", stateUrl());
        return Scenario.config(dir, "discovery.yml", values);
    }

    private String stateUrl() {
        return "jdbc:h2:file:" + dir.resolve("state").resolve("budgetbot").toAbsolutePath();
    }

    @Test
    void validateOnlineWarnsAtEveryKeyAndModelUCloudCannotServeAndSaysWhatTheStarStandsFor() {
        Path config = config();

        Cli.Run run = Cli.run("validate", "--config", config.toString(), "--online");

        run.exits(2);
        assertThat(run.out()).contains(
                "rule everything: keys \"*\" = " + PROD + ", " + BATCH + System.lineSeparator(),
                "rule everything: models \"*\" = " + R1 + ", " + QWQ + System.lineSeparator());
        List<String> lines = run.err().lines().toList();
        int heading = lines.indexOf("Configuration warnings (checked against UCloud):");
        assertThat(heading).as("the heading in:%n%s", run.err()).isNotNegative();
        assertThat(lines.subList(heading + 1, lines.size())).containsExactly(
                "  " + config + ":13:12: rules[0].keys[0]: unknown key \"uminferapikey-prdo\"; did you mean `"
                        + PROD + "`?; the project's keys: " + PROD + ", " + BATCH + ", " + OFF,
                "  " + config + ":13:53: rules[0].keys[2]: key \"" + OFF + "\" is disabled in UCloud",
                "  " + config + ":14:39: rules[0].models[1]: key \"" + BATCH + "\" may not call model \"" + QWQ
                        + "\"; it may call: " + R1);
    }

    @Test
    void validateOnlineSaysOkWhenUCloudServesEveryKeyAndModel() {
        Map<String, String> values = new HashMap<>(Scenario.ucloud(sim));
        values.put("STATE_URL", stateUrl());
        values.put("WEBHOOK_URL", "http://127.0.0.1:9/hook");
        values.put("SLACK_API_URL", "http://127.0.0.1:9/api/");
        values.put("SMTP_PORT", "25");

        Cli.Run run = Cli.run("validate", "--config", Scenario.config(dir, "bot.yml", values).toString(), "--online");

        run.exits(0);
        assertThat(run.out()).endsWith(System.lineSeparator() + "OK: 2 rules, 3 channels; UCloud serves every key and"
                + " model they name" + System.lineSeparator());
    }

    @Test
    void usageWithStarsPrintsWhatTheyStandForAndEachKeyAndModel() {
        Path config = config();
        Map<String, String> window = Map.of("--from", "2026-11-20", "--to", "2026-11-21");

        Cli.Run run = Cli.run("usage", "--config", config.toString(), "--key", "*", "--model", "*", "--by", "day",
                "--format", "csv", "--from", window.get("--from"), "--to", window.get("--to"));

        run.exits(0);
        assertThat(run.err()).contains("--key \"*\" = " + PROD + ", " + BATCH,
                "--model \"*\" for " + PROD + " = " + R1 + ", " + QWQ, "--model \"*\" for " + BATCH + " = " + R1);
        // CSV has no total row: a series' total is the sum of its rows
        Map<String, String> totals = new LinkedHashMap<>();
        run.out().lines().skip(1).forEach(l -> {
            String[] f = l.split(",");
            totals.merge(f[0] + " x " + f[1], f[5], (a, b) -> Long.toString(Long.parseLong(a) + Long.parseLong(b)));
        });
        assertThat(run.out().lines().findFirst()).hasValue(
                "key,model,start,inputTokens,outputTokens,totalTokens,requests,images");
        Map<String, String> expected = new LinkedHashMap<>();
        for (Series s : List.of(new Series(PROD, R1), new Series(PROD, QWQ), new Series(BATCH, R1))) {
            UsageTotals t = sim.expected(s, Scenario.day("2026-11-20"));
            expected.put(s.toString(), Long.toString(t.totalTokens()));
        }
        assertThat(totals).containsExactlyEntriesOf(expected);
    }

    @Test
    void checkAnnouncesEachProblemOnceAndNeitherPrintsNorStoresAKeysSecret() throws Exception {
        Path config = config();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Level level = root.getLevel();
        root.setLevel(Level.DEBUG);
        Cli.Run first;
        Cli.Run second;
        Cli.Run others;
        try {
            first = Cli.run("check", "--config", config.toString(), "--at", "2026-11-20T12:00");
            second = Cli.run("check", "--config", config.toString(), "--at", "2026-11-20T12:05");
            others = Cli.run("validate", "--config", config.toString(), "--online");
        } finally {
            root.setLevel(level);
        }

        first.exits(0);
        second.exits(0);
        assertThat(first.out()).contains("named is misconfigured: unknown key \"uminferapikey-prdo\"",
                "named is misconfigured: key \"" + OFF + "\" is disabled in UCloud",
                "named is misconfigured: key \"" + BATCH + "\" may not call model \"" + QWQ + "\"",
                "delivery: 3 sent, 0 failed, 0 pending");
        assertThat(first.out()).as("the check's summary line").contains(", 3 notices (misconfigured)");
        assertThat(second.out()).doesNotContain("misconfigured").contains("delivery: 0 sent, 0 failed, 0 pending");
        assertThat(sim.requests()).filteredOn(r -> Simulator.TOKEN_USAGE.equals(r.get("Action")))
                .extracting(r -> r.get("KeyId")).doesNotContain("uminferapikey-prdo", OFF);
        List<String> secrets = sim.keys().all().stream().map(k -> sim.keys().secret(k.id())).toList();
        String everything = first.all() + second.all() + others.all() + database();
        assertThat(everything).as("logs at DEBUG").contains("UCloud lists 3 API keys");
        secrets.forEach(secret -> assertThat(everything).doesNotContain(secret));
    }

    @Test
    void aDryRunShowsTheMisconfiguredNoticesACheckWouldSendAndWritesNothing() {
        Path config = config();

        Cli.Run dry = Cli.run("check", "--config", config.toString(), "--at", "2026-11-20T12:00", "--dry-run")
                .exits(0);

        assertThat(dry.out()).contains(", 3 notices (misconfigured)")
                .contains("would send to ops: [budgetbot] named is misconfigured: unknown key"
                        + " \"uminferapikey-prdo\"");
        Cli.Run real = Cli.run("check", "--config", config.toString(), "--at", "2026-11-20T12:00").exits(0);
        assertThat(real.out()).as("the dry run recorded nothing").contains(", 3 notices (misconfigured)");
        Cli.Run dryAgain = Cli.run("check", "--config", config.toString(), "--at", "2026-11-20T12:05", "--dry-run")
                .exits(0);
        assertThat(dryAgain.out()).as("announced already: a check would not send them again")
                .doesNotContain("misconfigured");
    }

    @Test
    void aCheckWithinTheDiscoveryIntervalOfTheLastListingAsksUCloudForNoKeys() {
        Path config = config();

        Cli.run("check", "--config", config.toString(), "--at", "2026-11-20T12:00").exits(0);
        int afterFirst = sim.requests().size();
        Cli.Run second = Cli.run("check", "--config", config.toString(), "--at", "2026-11-20T12:05").exits(0);

        assertThat(sim.requests().subList(0, afterFirst)).as("the first check lists the keys and their models")
                .extracting(r -> r.get("Action")).contains(Simulator.LIST_KEYS, Simulator.LIST_MODELS);
        assertThat(sim.requests().subList(afterFirst, sim.requests().size())).as("the second remembers the listing")
                .extracting(r -> r.get("Action")).doesNotContain(Simulator.LIST_KEYS, Simulator.LIST_MODELS);
        assertThat(second.out()).as("it still knows what the rule cannot see, without announcing it again")
                .doesNotContain("misconfigured");
    }

    /** Every row of the state database, as H2 scripts it. */
    private String database() throws Exception {
        StringBuilder all = new StringBuilder();
        try (Connection c = DriverManager.getConnection(stateUrl() + ";AUTO_SERVER=TRUE");
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SCRIPT")) {
            while (rs.next()) {
                all.append(rs.getString(1)).append('\n');
            }
        }
        assertThat(all).contains("blind_spots".toUpperCase());
        return all.toString();
    }
}

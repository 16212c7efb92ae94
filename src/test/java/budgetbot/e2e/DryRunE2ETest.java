package budgetbot.e2e;

import budgetbot.simulator.Simulator;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code --dry-run} writes nothing: no database file, no migration, no state change, no outbox row. */
class DryRunE2ETest {
    private static final Instant AFTERNOON = Scenario.at("2026-11-20T15:00");
    private static final Instant NIGHT = Scenario.at("2026-11-20T22:00");

    @TempDir
    Path dir;

    @Test
    void checkDryRunInAnEmptyFolderLeavesNoDatabaseBehind() throws IOException {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        try (Simulator sim = Scenario.simulator()) {
            Map<String, String> values = new HashMap<>(Scenario.ucloud(sim));
            // the default state url: relative to the working directory
            values.put("STATE_URL", "jdbc:h2:file:./data/budgetbot");
            values.put("WEBHOOK_URL", "http://127.0.0.1:9/hook");
            values.put("SLACK_API_URL", "http://127.0.0.1:9/api/");
            values.put("SMTP_PORT", "9");
            Path config = Scenario.config(dir.resolve("config"), "bot.yml", values);

            Cli.Run run;
            try (Cli.Running p = Cli.start(Optional.of(empty), Map.of(), Set.of(), "check", "--config",
                    config.toString(), "--at", Scenario.arg(AFTERNOON), "--dry-run")) {
                run = p.await().exits(0);
            }

            assertThat(run.out()).contains("prod-daily: ", "would send to team-slack: [budgetbot] prod-daily: ",
                    "of daily token budget used (crossed 50%)").doesNotContain("delivery:");
            try (Stream<Path> left = Files.list(empty)) {
                assertThat(left).as("what the dry run left in its working directory").isEmpty();
            }
        }
    }

    @Test
    void aDryRunReadsTheStateAndLeavesEveryByteOfItAsItWas() throws IOException {
        try (Bot bot = Bot.install(dir)) {
            bot.startMail();
            bot.run("check", "--at", Scenario.arg(AFTERNOON)).exits(0);
            List<String> before = files(dir.resolve("state"));

            Cli.Run check = bot.run("check", "--at", Scenario.arg(NIGHT), "--dry-run").exits(0);
            Cli.Run digest = bot.run("digest", "--name", "daily-summary", "--at", Scenario.arg(NIGHT.plusSeconds(86_400)),
                    "--dry-run").exits(0);
            bot.run("digest", "--name", "daily-summary", "--at", Scenario.arg(NIGHT.plusSeconds(86_400)),
                    "--out", dir.resolve("files").toString()).exits(0);
            Cli.Run past = bot.run("check", "--at", Scenario.arg(AFTERNOON.minusSeconds(3600)), "--dry-run").exits(0);

            assertThat(check.out()).as("it read what the check before announced").contains(
                    "would send to team-slack: [budgetbot] ESCALATED prod-daily: ", "(crossed 80%)")
                    .doesNotContain("(crossed 50%)");
            assertThat(digest.out()).contains("would send to [finance-email, team-slack, finops-slack]");
            assertThat(past.out()).as("a dry run may look at the past").contains("prod-growth: ");
            assertThat(files(dir.resolve("state"))).as("the state database's files, byte for byte").isEqualTo(before);
            assertThat(bot.mails()).as("the real check's one mail, nothing since").hasSize(1);
        }
    }

    @Test
    void aDryRunRefusesADatabaseOlderThanTheCodeAndLeavesItAtItsVersion() throws SQLException {
        try (Bot bot = Bot.install(dir)) {
            String url = "jdbc:h2:file:" + dir.resolve("state").resolve("budgetbot").toAbsolutePath();
            Flyway.configure().dataSource(url, null, null).locations("classpath:db/migration").target("1").load()
                    .migrate();

            Cli.Run run = bot.run("check", "--at", Scenario.arg(AFTERNOON), "--dry-run").exits(1);

            assertThat(run.err()).contains("error: the state database jdbc:h2:file:" + dir.resolve("state")
                    .resolve("budgetbot").toAbsolutePath() + " has schema version 1 and this budgetbot needs 11; a dry "
                    + "run does not migrate it: run `budgetbot check` or `budgetbot run` once first");
            assertThat(versions(url)).containsExactly("1");
            assertThat(bot.sim.requests()).as("refused before asking UCloud").isEmpty();
        }
    }

    /** Every file under {@code dir} with a hash of its bytes. */
    private static List<String> files(Path dir) throws IOException {
        List<String> files = new ArrayList<>();
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path f : all.filter(Files::isRegularFile).sorted().toList()) {
                files.add(dir.relativize(f) + " " + Arrays.hashCode(Files.readAllBytes(f)));
            }
        }
        return files;
    }

    private static List<String> versions(String url) throws SQLException {
        List<String> versions = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT \"version\" FROM \"flyway_schema_history\" "
                     + "WHERE \"version\" IS NOT NULL ORDER BY \"installed_rank\"")) {
            while (rs.next()) {
                versions.add(rs.getString(1));
            }
        }
        return versions;
    }
}

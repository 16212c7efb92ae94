package budgetbot.e2e;

import budgetbot.cli.Main;
import budgetbot.simulator.Simulator;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every command with every logger at DEBUG (libraries too) and known secrets in its environment (UCloud private
 * key, Slack webhook URL and bot token, SMTP and database passwords), while Slack answers errors that quote them
 * back: no secret appears in what a command prints, in the state database or in a file it writes. The commands
 * that end by themselves run in this JVM with that environment; {@code run} and {@code simulator}, which only stop
 * on a signal, run as processes.
 * {@code notify.SecretLeakTest} does the same for each transport's exceptions and logs.
 */
class SecretsE2ETest {
    private static final String TOKEN = "test-bot-e2e-secrets-TOKEN-5c1f";
    private static final String SMTP_PASSWORD = "smtp-e2e-PASSWORD-9c2d";
    private static final String DB_PASSWORD = "db-e2e-PASSWORD-77aa";
    private static final String DB_USER = "bot";
    /** Not the default 42: the simulator and demo commands print the demo key pair of their seed, by design. */
    private static final long SEED = 7071;
    private static final String AFTERNOON = Scenario.arg(Scenario.at("2026-11-20T16:00"));
    private static final String MORNING_AFTER = Scenario.arg(Scenario.at("2026-11-21T09:00"));
    private static final String DEBUG_LOGGING = "e2e/logback-debug.xml";
    private static final List<String> DEBUG = List.of("-Dlogback.configurationFile=" + DEBUG_LOGGING);
    private static final Duration BRIEF_RUN_LIMIT = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    @Test
    void noCommandLeaksASecretIntoItsOutputTheStateDatabaseOrItsFiles() throws Exception {
        GreenMail mail = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
        mail.setUser("bot@example.com", "bot@example.com", SMTP_PASSWORD);
        mail.start();
        try (Simulator sim = Simulator.start(Scenario.options().withSeed(SEED));
             SlackServer slack = SlackServer.start()) {
            String stateUrl = "jdbc:h2:file:" + dir.resolve("state/budgetbot").toAbsolutePath();
            Map<String, String> secrets = Map.of(
                    "UCLOUD_PRIVATE_KEY", sim.privateKey().reveal(),
                    "SLACK_WEBHOOK_URL", slack.url(SlackServer.HOOK),
                    "SLACK_BOT_TOKEN", TOKEN,
                    "SMTP_PASSWORD", SMTP_PASSWORD,
                    "BUDGETBOT_DB_PASSWORD", DB_PASSWORD);
            String config = Scenario.config(dir, "secrets.yml", Map.of("SIM_URL", sim.baseUrl().toString(),
                    "PUBLIC_KEY", sim.publicKey(), "STATE_URL", stateUrl, "SLACK_API_URL", slack.url("/api/"),
                    "SMTP_PORT", Integer.toString(mail.getSmtp().getPort()))).toString();
            // the first posts fail, and the answers quote the secrets back, as some proxies and error pages do
            slack.script(SlackServer.HOOK, SlackServer.text(500, "upstream failed: POST " + slack.url(SlackServer.HOOK)));
            slack.script(SlackServer.POST_MESSAGE, SlackServer.json("{\"ok\":false,\"error\":\"invalid_auth: " + TOKEN + "\"}"));
            Path out = dir.resolve("out");

            Map<String, Cli.Run> runs = new LinkedHashMap<>();
            runs.put("validate", run(secrets, "validate", "--config", config));
            runs.put("usage", run(secrets, "usage", "--config", config, "--key", Scenario.PROD, "--model", Scenario.R1,
                    "--from", "2026-11-20", "--to", "2026-11-21", "--by", "hour"));
            runs.put("check --dry-run", run(secrets, "check", "--config", config, "--at", AFTERNOON, "--dry-run"));
            runs.put("check", run(secrets, "check", "--config", config, "--at", AFTERNOON));
            runs.put("digest --dry-run", run(secrets, "digest", "--config", config, "--name", "daily-summary",
                    "--at", MORNING_AFTER, "--dry-run"));
            runs.put("digest --out", run(secrets, "digest", "--config", config, "--name", "daily-summary",
                    "--at", MORNING_AFTER, "--out", out.resolve("digest").toString()));
            runs.put("digest", run(secrets, "digest", "--config", config, "--name", "daily-summary",
                    "--at", MORNING_AFTER));
            runs.put("cache clear", run(secrets, "cache", "clear", "--config", config, "--key", Scenario.PROD));
            runs.put("silence add", run(secrets, "silence", "add", "--config", config, "--rule", "prod-daily",
                    "--until", "+1h", "--reason", "secrets test"));
            runs.put("silence list", run(secrets, "silence", "list", "--config", config));
            runs.put("silence remove", run(secrets, "silence", "remove", "--config", config, "1"));
            runs.put("action list", run(secrets, "action", "list", "--config", config));
            runs.put("notify-test", run(secrets, "notify-test", "--config", config, "--channel", "team-slack"));
            runs.put("run", briefly(secrets, r -> r.err().contains("check prod-daily at"),
                    "run", "--config", config, "--outbox-interval", "1", "--reload-interval", "1"));
            runs.put("backtest", run(secrets, "backtest", "--config", config, "--from", "2026-11-20",
                    "--to", AFTERNOON, "--step", "1h", "--format", "json"));
            runs.put("backtest --out", run(secrets, "backtest", "--config", config, "--from", "2026-11-20",
                    "--to", AFTERNOON, "--step", "1h", "--format", "html", "--out", out.resolve("backtest").toString()));
            runs.put("demo", run(secrets, "demo", "--out", out.resolve("demo").toString()));
            runs.put("hash-password", Cli.runWithInput(SMTP_PASSWORD + "\n", "hash-password"));
            runs.put("simulator", briefly(secrets, r -> r.out().contains("listening on"), "simulator", "--port", "0"));

            Set<String> commands = Main.commandLine().getSubcommands().keySet();
            assertThat(runs.keySet().stream().map(k -> k.split(" ")[0])).as("every command is run")
                    .containsAll(commands.stream().filter(c -> !c.equals("help")).toList());
            runs.forEach((what, r) -> {
                if (!what.equals("run") && !what.equals("simulator")) {
                    // a command whose deliveries met the provoked errors says so with exit 1
                    r.exits(r.out().matches("(?s).*delivery: \\d+ sent, [1-9]\\d* failed.*") ? 1 : 0);
                }
            });
            assertThat(runs.get("check").out()).as("Slack's errors were met").contains("2 failed");
            assertThat(runs.get("digest").out()).contains("delivery: ");

            List<String> leaks = new ArrayList<>();
            runs.forEach((what, r) -> {
                leaks.addAll(leaks(secrets, "stdout of " + what, r.out()));
                leaks.addAll(leaks(secrets, "stderr of " + what, r.err()));
            });
            leaks.addAll(leaks(secrets, "the state database", dump(stateUrl)));
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    leaks.addAll(leaks(secrets, "file " + dir.relativize(f),
                            new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1)));
                }
            }
            assertThat(leaks).isEmpty();
            assertThat(runs.get("check").err()).as("logging was at DEBUG").contains(" DEBUG ");
        } finally {
            mail.stop();
        }
    }

    private static Cli.Run run(Map<String, String> env, String... args) {
        return Cli.run(DEBUG_LOGGING, Cli.environment(env, Set.of()), args);
    }

    /** Starts a long-running command, lets it work until {@code working} holds, then stops it with SIGTERM. */
    private static Cli.Run briefly(Map<String, String> env, Predicate<Cli.Running> working, String... args) {
        Cli.Running r = Cli.start(env, Set.of(), DEBUG, args);
        await().atMost(BRIEF_RUN_LIMIT).pollInterval(Duration.ofMillis(200))
                .failFast(() -> !r.isAlive()).until(() -> working.test(r));
        return r.stop();
    }

    private static List<String> leaks(Map<String, String> secrets, String where, String text) {
        return secrets.entrySet().stream().filter(s -> text.contains(s.getValue()))
                .map(s -> s.getKey() + " in " + where).toList();
    }

    /** Everything the database holds, as H2 scripts it out: schema, rows, users. */
    private static String dump(String url) throws Exception {
        StringBuilder sql = new StringBuilder();
        try (Connection c = DriverManager.getConnection(url, DB_USER, DB_PASSWORD); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SCRIPT")) {
            while (rs.next()) {
                sql.append(rs.getString(1)).append('\n');
            }
        }
        assertThat(sql).as("the dump holds the outbox").contains("INSERT INTO \"PUBLIC\".\"OUTBOX\"");
        return sql.toString();
    }
}

package budgetbot.e2e;

import budgetbot.cli.Main;
import budgetbot.simulator.Simulator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** What every user meets first: help for each command, and clear refusals of names and times that do not exist. */
class CliBasicsE2ETest {
    @TempDir
    Path dir;

    static Set<String> subcommands() {
        return Main.commandLine().getSubcommands().keySet();
    }

    @ParameterizedTest
    @MethodSource("subcommands")
    void everySubcommandExplainsItself(String command) {
        Cli.Run run = Cli.run(command, "--help").exits(0);

        assertThat(run.out()).contains("Usage: budgetbot " + command);
    }

    /** The top-level help lists a command by the first line of its description: a line cut mid-sentence reads so. */
    @ParameterizedTest
    @MethodSource("subcommands")
    void everySummaryIsAWholeSentence(String command) {
        String[] description = Main.commandLine().getSubcommands().get(command).getCommandSpec().usageMessage()
                .description();

        assertThat(description[0]).as("first line of %s's description", command).endsWith(".");
    }

    @Test
    void backtestAndHashPasswordHelpIsWhole() {
        assertThat(Cli.run("backtest", "--help").exits(0).out().replaceAll("\\s+", " "))
                .contains("Replay the rules over past usage: what check would have sent.")
                .contains("Exit 1 when usage could not be fetched.");
        assertThat(Cli.run("hash-password", "--help").exits(0).out().replaceAll("\\s+", " "))
                .contains("users: { admin: \"${BUDGETBOT_ADMIN_HASH}\" }.");
    }

    @Test
    void theTopLevelHelpListsEverySubcommand() {
        Cli.Run run = Cli.run("--help").exits(0);

        assertThat(run.out()).contains("Usage: budgetbot").contains(subcommands());
    }

    /** Exit 2 means "fix your input": a mistyped command line, like a wrong configuration. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "check --bogus                      | Unknown option: '--bogus'",
            "usage --key k                      | Missing required option: '--model=<model>'",
            "usage --key k --model m --format x | Invalid value for option '--format': expected one of [table, csv, json]",
            "chek                               | Unmatched argument at index 0: 'chek'",
            "run --outbox-interval 0            | --outbox-interval must be at least 1 second"})
    void usageErrorsExitTwoAndSayWhatIsWrong(String args, String message) {
        Cli.Run run = Cli.run(args.trim().split(" +")).exits(2);

        assertThat(run.err()).contains("error: " + message).contains("--help");
    }

    @Test
    void noCommandExitsTwoAndNamesTheCommands() {
        Cli.Run run = Cli.run().exits(2);

        assertThat(run.err()).contains("error: Missing command: one of validate, usage, check, run, digest")
                .contains("See 'budgetbot --help'.");
    }

    @Test
    void aMissingConfigFileSaysHowToNameOne() {
        Path nowhere = dir.resolve("nope.yml");

        Cli.Run given = Cli.run("validate", "--config", nowhere.toString()).exits(2);
        Cli.Run fromEnv = Cli.run(Cli.environment(Map.of("BUDGETBOT_CONFIG", nowhere.toString()), Set.of()), "validate").exits(2);

        assertThat(given.err()).contains(nowhere + ": no such file (given with --config); name the configuration"
                + " with --config FILE or the environment variable BUDGETBOT_CONFIG");
        assertThat(fromEnv.err()).contains(nowhere + ": no such file (from BUDGETBOT_CONFIG); name the"
                + " configuration with --config FILE or the environment variable BUDGETBOT_CONFIG");
    }

    /** The bot config, valid and complete, against a simulator that the refusals below never reach. */
    private Path config(Simulator sim) {
        Map<String, String> values = new HashMap<>(Scenario.ucloud(sim));
        values.put("STATE_URL", "jdbc:h2:file:" + dir.resolve("state").resolve("budgetbot").toAbsolutePath());
        values.put("WEBHOOK_URL", "http://127.0.0.1:9/hook");
        values.put("SLACK_API_URL", "http://127.0.0.1:9/api/");
        values.put("SMTP_PORT", "9");
        return Scenario.config(dir, "bot.yml", values);
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @CsvSource(delimiter = '|', value = {
            "check  | --rule | nope      | error: no rule named 'nope' in ",
            "digest | --name | nope      | error: no digest named 'nope' in ",
            "check  | --at   | yesterday | error: cannot read time 'yesterday': use ISO-8601",
            "digest | --at   | 20/11/26  | error: cannot read time '20/11/26': use ISO-8601"})
    void refusesWhatDoesNotExistWithAClearMessageAndExitTwo(String command, String option, String value, String message) {
        try (Simulator sim = Scenario.simulator()) {
            Path config = config(sim);
            String[] args = command.equals("digest") && !option.equals("--name")
                    ? new String[]{command, "--config", config.toString(), "--name", "daily-summary", option, value}
                    : new String[]{command, "--config", config.toString(), option, value};

            Cli.Run run = Cli.run(args).exits(2);

            // another test may have turned logging up: look for the message among the lines, not at the start
            assertThat(run.err().lines()).anySatisfy(line -> assertThat(line).startsWith(message));
            assertThat(run.out()).isEmpty();
            assertThat(sim.requests()).as("refused before asking UCloud").isEmpty();
        }
    }

    @Test
    void hashPasswordPrintsABcryptHashOfWhatComesOnStandardInputAndValidateWarnsOfAnOpenServer() throws Exception {
        Cli.Run hashed = Cli.runWithInput("correct horse\n", "hash-password").exits(0);

        String hash = hashed.out().strip();
        assertThat(hash).matches("\\$2[aby]\\$\\d\\d\\$[./A-Za-z0-9]{53}").doesNotContain("correct horse");
        assertThat(new BCryptPasswordEncoder().matches("correct horse", hash)).isTrue();
        assertThat(Cli.runWithInput("", "hash-password").exits(2).err()).contains("no password");

        Path open = java.nio.file.Files.writeString(dir.resolve("open.yml"), """
                ucloud: { publicKey: p, privateKey: k }
                channels: { ops: { type: console } }
                server: { listen: "0.0.0.0:9464" }
                rules:
                  - { name: r, keys: [uminferapikey-a], models: [m1], notify: [ops],
                      budgets: [{ metric: tokens, limit: 1G }] }
                """);
        Cli.Run validated = Cli.run("validate", "--config", open.toString()).exits(0);
        assertThat(validated.err()).contains("Warning: server.listen 0.0.0.0:9464 is reachable from other machines"
                + " and server.users is not set");
        Path locked = java.nio.file.Files.writeString(dir.resolve("locked.yml"),
                java.nio.file.Files.readString(open).replace("listen: \"0.0.0.0:9464\"",
                        "listen: \"0.0.0.0:9464\", users: { admin: \"" + hash + "\" }"));
        assertThat(Cli.run("validate", "--config", locked.toString()).exits(0).err()).doesNotContain("server.users");
    }
}

package budgetbot.e2e;

import org.junit.jupiter.api.Test;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code budgetbot validate}: the repository's own rules.yml, its environment, and a file full of mistakes. */
class ValidateE2ETest {
    /** Surefire runs in the project directory, where the example configuration lives. */
    private static final Path REPO_RULES = Path.of("rules.yml").toAbsolutePath();
    private static final Map<String, String> ENV = Map.of(
            "UCLOUD_PUBLIC_KEY", "e2e-public-key",
            "UCLOUD_PRIVATE_KEY", "e2e-private-key-SECRET",
            "SLACK_WEBHOOK_URL", "https://chat.example.test/hook/T0/B0/e2e-SECRET",
            "SLACK_BOT_TOKEN", "test-bot-e2e-SECRET",
            "SMTP_PASSWORD", "smtp-e2e-SECRET");

    @Test
    void theRepositoryRulesPassWhenTheirEnvironmentIsSet() {
        Cli.Run run = Cli.run(Cli.environment(ENV, Set.of("UCLOUD_PROJECT_ID")), "validate", "--config", REPO_RULES.toString());

        run.exits(0);
        String moment = "\\w{3} \\d{1,2} \\w{3} \\d\\d:\\d\\d";
        List<String> lines = run.out().lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).matches("rule prod-daily: \"0 \\*/5 \\* \\* \\* \\?\" next " + moment + ", " + moment + ", "
                + moment + " \\(Asia/Shanghai\\)");
        assertThat(lines.get(1)).matches("digest daily-summary: \"0 0 9 \\* \\* \\?\" next (\\w{3} \\d{1,2} \\w{3}"
                + " 09:00(, )?){3} \\(Asia/Shanghai\\)");
        assertThat(lines.get(2)).isEqualTo("OK: 1 rule, 4 channels");
        assertThat(run.all()).doesNotContain("SECRET");
    }

    @Test
    void theRepositoryRulesNameEveryMissingVariable() {
        Cli.Run run = Cli.run(Cli.environment(Map.of(), ENV.keySet()), "validate", "--config", REPO_RULES.toString());

        run.exits(2);
        assertThat(run.out()).doesNotContain("OK");
        for (String variable : ENV.keySet()) {
            assertThat(run.err()).contains("environment variable " + variable + " is not set");
        }
        assertThat(run.err()).as("UCLOUD_PROJECT_ID has a default").doesNotContain("UCLOUD_PROJECT_ID");
    }

    @Test
    void aBrokenFileGetsEveryErrorWithItsLocationAtOnce() throws URISyntaxException {
        Path broken = Path.of(ValidateE2ETest.class.getResource("/e2e/broken.yml").toURI());

        Cli.Run run = Cli.run("validate", "--config", broken.toString());

        run.exits(2);
        assertThat(run.out()).isEmpty();
        List<String> lines = run.err().lines().toList();
        // another test may have turned logging up: the report starts at its heading, not necessarily on line one
        int heading = lines.indexOf("Configuration errors:");
        assertThat(heading).as("the heading in:%n%s", run.err()).isNotNegative();
        assertThat(lines.subList(heading + 1, lines.size())).containsExactly(
                "  " + broken + ":2:11: timezone: invalid timezone \"Mars/Olympus_Mons\"; use a region such as"
                        + " Asia/Shanghai or an offset such as +08:00",
                "  " + broken + ":4:12: ucloud.baseUrl: plain http is only allowed for localhost; use https://,"
                        + " got \"http://api.example.com\"",
                "  " + broken + ":15:16: rules[0].budgets[0].limit: unknown suffix m in \"20m\"; did you mean M"
                        + " (million)?",
                "  " + broken + ":16:9: rules[0].budgets[0].threshold: unknown field; did you mean `thresholds`?",
                "  " + broken + ":17:14: rules[0].notify[0]: undefined channel \"team-slak\"; did you mean"
                        + " `team-slack`?; defined: team-slack");
    }

    /** The deploy kit's configuration, as the single-node and the cluster compose files set its environment. */
    @Test
    void theDeployKitsRulesValidateForOneNodeAndForACluster() {
        Path deployRules = Path.of("deploy/config/rules.yml").toAbsolutePath();
        Map<String, String> node = Map.of("UCLOUD_PUBLIC_KEY", "p", "UCLOUD_PRIVATE_KEY", "k-SECRET",
                "SLACK_WEBHOOK_URL", "https://chat.example.test/hook/T0/B0/x-SECRET",
                "BUDGETBOT_ADMIN_HASH", "$2y$04$Zd3LsY9z1Azfq.BazuSUaOtgQ/JdOyiY11M4PhlR8DGOGU3YZ42vm");
        Map<String, String> cluster = new java.util.HashMap<>(node);
        cluster.putAll(Map.of("BUDGETBOT_STATE_URL", "jdbc:postgresql://postgres:5432/budgetbot",
                "BUDGETBOT_DB_USER", "budgetbot", "BUDGETBOT_DB_PASSWORD", "db-SECRET", "BUDGETBOT_CLUSTER", "true"));

        for (Map<String, String> env : List.of(node, cluster)) {
            Cli.Run run = Cli.run(Cli.environment(env, Set.of()), "validate", "--config", deployRules.toString());
            run.exits(0);
            assertThat(run.all()).doesNotContain("SECRET").doesNotContain("server.users is not set");
        }
    }
}

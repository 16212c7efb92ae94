package budgetbot.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;

import static budgetbot.config.Fixtures.errors;
import static budgetbot.config.Fixtures.failure;
import static budgetbot.config.Fixtures.fixture;
import static org.assertj.core.api.Assertions.assertThat;

/** No error message, path or toString may show a secret, however the config gets it wrong. */
class SecretsTest {
    /** Every secret in the fixtures and in ENV contains this marker. */
    private static final String MARKER = "SECRET-";
    private static final Map<String, String> ENV = Map.of("UCLOUD_PRIVATE_KEY", "SECRET-envkey654",
            "SLACK_BOT_TOKEN", "SECRET-env321", "SLACK_WEBHOOK_URL", "https://hooks.slack.com/SECRET-envhook");

    @ParameterizedTest
    @ValueSource(strings = {"secrets.yml", "secrets-env.yml", "secrets-wrong-type.yml", "secrets-malformed.yml"})
    void noErrorShowsASecret(String fixture) {
        ConfigException e = failure(fixture(fixture), ENV);

        assertThat(e.errors()).isNotEmpty();
        assertThat(e.getMessage()).doesNotContain(MARKER);
        assertThat(e.errors()).allSatisfy(err -> assertThat(err.toString()).doesNotContain(MARKER));
    }

    @Test
    void secretsAreStillReportedJustNotQuoted() {
        assertThat(errors("secrets.yml", ENV)).containsExactly(
                "4:12 ucloud.timeout: expected a duration such as 90s, 30m, 6h, 1d, 1w or PT6H, got \"forever\"",
                "6:13 state.password: expected a string, got a list",
                "8:30 channels.bot.token: a bot token needs channel: the Slack channel to post to, quoted because an"
                        + " unquoted # starts a comment, e.g. channel: \"#llm-spend\"",
                "9:36 channels.hook.webhookUrl: plain http is only allowed for localhost; use https:// (the value is"
                        + " not shown: it is a secret)",
                "10:39 channels.badhook.webhookUrl: not a valid URL (the value is not shown: it is a secret)",
                "13:60 channels.mail.smtp.password: expected a string, got a mapping",
                "21:14 rules[0].notify[0]: undefined channel \"<secret>\"; defined: bot, hook, badhook, mail",
                "21:29 rules[0].notify[1]: undefined channel \"<secret>\"; defined: bot, hook, badhook, mail");
    }

    @Test
    void aSecretVariableReusedInAnotherFieldIsRedactedThere() {
        assertThat(errors("secrets-env.yml", ENV)).containsExactly(
                "1:11 timezone: invalid timezone \"<secret>\"; use a region such as Asia/Shanghai or an offset such"
                        + " as +08:00",
                "13:14 rules[0].notify[0]: undefined channel \"<secret>\"; defined: bot, hook",
                "13:36 rules[0].notify[1]: undefined channel \"<secret>\"; defined: bot, hook");
    }

    @Test
    void malformedYamlDoesNotEchoTheBrokenLine() {
        assertThat(errors("secrets-malformed.yml", ENV)).containsExactly(
                "5:1 : malformed YAML: found unexpected end of stream (while scanning a quoted scalar started at"
                        + " line 3, column 15)");
    }

    @Test
    void loadedConfigPrintsSecretsRedacted() {
        BotConfig c = ConfigLoader.load(fixture("valid.yml"), Map.of("PUB", "pub", "PRIV", "SECRET-priv",
                "DB_PASSWORD", "SECRET-db", "HOOK", "https://hooks.slack.com/SECRET-hook", "TOKEN", "SECRET-tok",
                "SMTP", "SECRET-smtp"));

        assertThat(c.toString()).doesNotContain(MARKER).contains("<secret>");
        assertThat(c.ucloud().privateKey().reveal()).isEqualTo("SECRET-priv");
    }
}

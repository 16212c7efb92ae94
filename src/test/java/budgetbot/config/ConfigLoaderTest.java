package budgetbot.config;

import budgetbot.testing.CapturedLogs;
import budgetbot.time.PeriodCalendar;
import budgetbot.time.PeriodUnit;
import ch.qos.logback.classic.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static budgetbot.config.Fixtures.failure;
import static budgetbot.config.Fixtures.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ConfigLoaderTest {
    @RegisterExtension
    final CapturedLogs logs = new CapturedLogs();

    private static final Map<String, String> VALID_ENV = Map.of("PUB", "pub-key", "PRIV", "priv-key",
            "DB_PASSWORD", "db-pw", "HOOK", "https://chat.example.test/hook/T/B/x", "TOKEN", "test-bot-token",
            "SMTP", "smtp-pw");

    @Test
    void validFixtureMapsEveryField() {
        BotConfig c = ConfigLoader.load(fixture("valid.yml"), VALID_ENV);

        assertThat(c.calendar()).isEqualTo(new PeriodCalendar(ZoneId.of("Europe/Berlin"), DayOfWeek.SUNDAY, 15));
        assertThat(c.ucloud()).isEqualTo(new UCloudConfig(URI.create("http://127.0.0.1:8089"), "pub-key",
                new Secret("priv-key"), "org-1", Duration.ofSeconds(10), 2, 3, Duration.ofHours(2), Duration.ofMinutes(15)));
        assertThat(c.state()).isEqualTo(new StateConfig("jdbc:postgresql://db.example.com/budgetbot", "bot",
                new Secret("db-pw"), true, Duration.ofDays(30)));
        assertThat(c.prices()).isEqualTo(new Prices("USD", Map.of(
                "m1", new ModelPrice(new BigDecimal("4"), new BigDecimal("16"), BigDecimal.ZERO),
                "m2", new ModelPrice(new BigDecimal("0.5"), new BigDecimal("1.5"), new BigDecimal("0.1")))));
        assertThat(c.channels()).containsOnly(
                Map.entry("hook", new ChannelConfig.Slack("hook",
                        Optional.of(new Secret("https://chat.example.test/hook/T/B/x")), Optional.empty(),
                        Optional.empty(), URI.create("https://slack.com/api/"))),
                Map.entry("bot", new ChannelConfig.Slack("bot", Optional.empty(),
                        Optional.of(new Secret("test-bot-token")), Optional.of("#spend"),
                        URI.create("http://localhost:9000/api/"))),
                Map.entry("mail", new ChannelConfig.Email("mail", new SmtpConfig("smtp.example.com", 465,
                        Optional.of("u"), Optional.of(new Secret("smtp-pw")), false, true),
                        "bot <bot@example.com>", List.of("a@example.com", "B <b@example.com>"))),
                Map.entry("out", new ChannelConfig.Console("out")));
        assertThat(c.rules()).containsExactly(
                new RuleConfig("r1", "0 */10 * * * ?",
                        names(name("rules[0].keys[0]", 36, 12, "k1"), name("rules[0].keys[1]", 36, 16, "k2")),
                        names(name("rules[0].models[0]", 37, 14, "m1"), name("rules[0].models[1]", 37, 18, "m2")),
                        GroupBy.SERIES,
                        List.of(new Budget(Metric.COST, PeriodUnit.MONTH, new BigDecimal("1500"),
                                        List.of(new BigDecimal("0.125"), new BigDecimal("0.5"), BigDecimal.ONE),
                                        true, new BigDecimal("0.2")),
                                new Budget(Metric.OUTPUT_TOKENS, PeriodUnit.HOUR, new BigDecimal("2000000000"),
                                        List.of(new BigDecimal("0.8"), BigDecimal.ONE), false, new BigDecimal("0.1"))),
                        List.of(new Growth(Metric.REQUESTS, PeriodUnit.WEEK, new BigDecimal("1.5"),
                                new BigDecimal("20"))),
                        List.of("hook", "mail"), Optional.of(Duration.ofMinutes(90)), Duration.ofMinutes(10)),
                new RuleConfig("r2", "0 */5 * * * ?", names(name("rules[1].keys", 53, 11, "*")),
                        names(name("rules[1].models[0]", 54, 14, "m3")), GroupBy.ALL, List.of(),
                        List.of(new Growth(Metric.IMAGES, PeriodUnit.DAY, new BigDecimal("0.5"), BigDecimal.ZERO)),
                        List.of("out"), Optional.of(Duration.ofHours(6)), Duration.ofMinutes(30)));
        assertThat(c.rules().get(1).keys().every()).isTrue();
        assertThat(c.digests()).containsExactly(new DigestConfig("weekly", "0 0 8 ? * MON", PeriodUnit.WEEK,
                List.of("r1"), List.of("k9"), List.of("m9"), List.of("bot"), 10));
        assertThat(c.file()).isEqualTo(fixture("valid.yml"));
    }

    @Test
    void omittedFieldsGetTheirDefaults() {
        BotConfig c = ConfigLoader.load(fixture("minimal.yml"), Map.of());

        assertThat(c.calendar()).isEqualTo(new PeriodCalendar(ZoneId.of("Asia/Shanghai"), DayOfWeek.MONDAY, 1));
        assertThat(c.ucloud()).isEqualTo(new UCloudConfig(URI.create("https://api.ucloud.cn"), "pk",
                new Secret("sk"), "", Duration.ofSeconds(30), 4, 16, Duration.ofHours(2), Duration.ofHours(1)));
        assertThat(c.state()).isEqualTo(new StateConfig("jdbc:h2:file:./data/budgetbot", "", new Secret(""), false,
                Duration.ofDays(90)));
        assertThat(c.server()).isEmpty();
        assertThat(c.prices()).isEqualTo(new Prices("CNY", Map.of()));
        RuleConfig rule = c.rules().get(0);
        assertThat(rule.schedule()).isEqualTo("0 */5 * * * ?");
        assertThat(rule.groupBy()).isEqualTo(GroupBy.ALL);
        assertThat(rule.repeat()).isEmpty();
        assertThat(rule.budgets()).containsExactly(new Budget(Metric.TOKENS, PeriodUnit.DAY, new BigDecimal("1000"),
                List.of(new BigDecimal("0.8"), BigDecimal.ONE), false, new BigDecimal("0.1")));
        assertThat(c.digests()).containsExactly(new DigestConfig("d", "0 0 9 * * ?", PeriodUnit.DAY, List.of("r"),
                List.of(), List.of(), List.of("ops"), 5));
    }

    @Test
    void repositoryRulesYmlLoadsWhenItsVariablesAreSet() {
        BotConfig c = ConfigLoader.load(Path.of("rules.yml"), Map.of("UCLOUD_PUBLIC_KEY", "pub",
                "UCLOUD_PRIVATE_KEY", "priv", "SLACK_WEBHOOK_URL", "https://chat.example.test/hook/T/B/x",
                "SLACK_BOT_TOKEN", "test-bot-token", "SMTP_PASSWORD", "pw"));

        assertThat(c.ucloud().projectId()).isEmpty();
        assertThat(c.ucloud().privateKey().reveal()).isEqualTo("priv");
        assertThat(c.channels()).containsOnlyKeys("team-slack", "finops-slack", "finance-email", "console");
        assertThat(c.rules()).extracting(RuleConfig::name).containsExactly("prod-daily");
        assertThat(c.rules().get(0).budgets()).extracting(Budget::limit)
                .containsExactly(new BigDecimal("20000000"), new BigDecimal("3000"));
        assertThat(c.digests()).extracting(DigestConfig::name).containsExactly("daily-summary");
        assertThat(c.server()).map(ServerConfig::listen).contains("127.0.0.1:9464");
    }

    @Test
    void repositoryRulesYmlNamesEveryMissingVariable() {
        List<ConfigError> errors = failure(Path.of("rules.yml"), Map.of()).errors();

        assertThat(errors).extracting(ConfigError::message).allMatch(m -> m.startsWith("environment variable "))
                .map(m -> m.split(" ")[2])
                .containsExactly("UCLOUD_PUBLIC_KEY", "UCLOUD_PRIVATE_KEY", "SLACK_WEBHOOK_URL", "SLACK_BOT_TOKEN",
                        "SMTP_PASSWORD");
        assertThat(errors).extracting(ConfigError::path).containsExactly("ucloud.publicKey", "ucloud.privateKey",
                "channels.team-slack.webhookUrl", "channels.finops-slack.token",
                "channels.finance-email.smtp.password");
    }

    @ParameterizedTest(name = "{0} with P={1}, Q={2} -> {3}")
    @CsvSource(nullValues = "NULL", value = {
            "'${P}',             x,    NULL, x",
            "'${P:-d}',          NULL, NULL, d",
            "'${P:-d}',          '',   NULL, d",
            "'${P}',             '',   NULL, ''",
            "'${P:-}',           NULL, NULL, ''",
            "'a-${P}-${Q:-q}',   1,    NULL, a-1-q",
            "'${P}${Q}',         1,    2,    12",
            "'plain $ and {P}',  x,    NULL, plain $ and {P}",
            "'${P:-a:-b}',       NULL, NULL, a:-b",
            // a value is not expanded again
            "'${P}',             '${Q}', z,  '${Q}'",
    })
    void environmentReferencesAreExpanded(String value, String p, String q, String expected,
                                         @TempDir Path dir) throws IOException {
        Map<String, String> env = new HashMap<>();
        Optional.ofNullable(p).ifPresent(v -> env.put("P", v));
        Optional.ofNullable(q).ifPresent(v -> env.put("Q", v));

        BotConfig c = ConfigLoader.load(withProjectId(dir, value), env);

        assertThat(c.ucloud().projectId()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "${P   | 4:14 ucloud.projectId: unterminated ${ in the value; write ${NAME} or ${NAME:-default}",
            "${1P} | 4:14 ucloud.projectId: invalid variable reference ${1P}; write ${NAME} or ${NAME:-default}",
            "${}   | 4:14 ucloud.projectId: invalid variable reference ${}; write ${NAME} or ${NAME:-default}",
            "x${Z} | 4:14 ucloud.projectId: environment variable Z is not set; set it, or write ${Z:-default} to"
                    + " give a default",
    })
    void badReferencesAreReported(String value, String expected, @TempDir Path dir) throws IOException {
        List<String> errors = failure(withProjectId(dir, value), Map.of()).errors().stream()
                .map(e -> e.line() + ":" + e.column() + " " + e.path() + ": " + e.message()).toList();

        assertThat(errors).containsExactly(expected);
    }

    @Test
    void anomalyChecksGetTheirDefaultsAndQuietDatesAddUp(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("rules.yml");
        Files.writeString(file, "quietDates: [2027-02-10..2027-02-12]\n" + Files.readString(fixture("minimal.yml"))
                .replace("    budgets:\n      - { metric: tokens, limit: 1000 }\n", """
                            anomaly:
                              - { metric: tokens, minExcess: 200k }
                              - { metric: requests, minExcess: 50, sensitivity: 5, minRatio: 2.5, baseline: 6w }
                            quietDates: [2027-02-12, 2027-05-01]
                        """));

        RuleConfig rule = ConfigLoader.load(file, Map.of()).rules().get(0);

        assertThat(rule.anomaly()).containsExactly(
                new Anomaly(Metric.TOKENS, new BigDecimal("200000"), new BigDecimal("3.5"), new BigDecimal("1.5"), 4),
                new Anomaly(Metric.REQUESTS, new BigDecimal("50"), new BigDecimal("5"), new BigDecimal("2.5"), 6));
        assertThat(rule.quietDates()).containsExactlyInAnyOrder(LocalDate.parse("2027-02-10"),
                LocalDate.parse("2027-02-11"), LocalDate.parse("2027-02-12"), LocalDate.parse("2027-05-01"));
    }

    @Test
    void quotedNumbersAndExpandedNumbersAreAccepted(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("rules.yml");
        Files.writeString(file, Files.readString(fixture("minimal.yml"))
                .replace("privateKey: sk", "privateKey: sk\n  maxRetries: \"2\"\n  maxConcurrency: ${PAR:-3}")
                .replace("limit: 1000", "limit: \"${LIMIT}\""));

        BotConfig c = ConfigLoader.load(file, Map.of("LIMIT", "1.5M"));

        assertThat(c.ucloud().maxRetries()).isEqualTo(2);
        assertThat(c.ucloud().maxConcurrency()).isEqualTo(3);
        assertThat(c.rules().get(0).budgets().get(0).limit()).isEqualByComparingTo("1500000");
    }

    @ParameterizedTest(name = "''{0}'' -> {1}")
    @CsvSource(delimiter = '|', value = {
            "''                  | 16 | false",
            "maxConcurrency: 1   | 1  | false",
            "maxConcurrency: 256 | 256| false",
            "parallelism: 5      | 5  | true",
    })
    void maxConcurrencyDefaultsTo16AndAcceptsItsOldNameParallelismWithAWarning(String line, int expected,
                                                                               boolean warned, @TempDir Path dir)
            throws IOException {
        Path file = dir.resolve("rules.yml");
        Files.writeString(file, Files.readString(fixture("minimal.yml"))
                .replace("privateKey: sk", "privateKey: sk\n  " + line));
        BotConfig c = ConfigLoader.load(file, Map.of());

        assertThat(c.ucloud().maxConcurrency()).isEqualTo(expected);
        List<String> warnings = logs.messages(Level.WARN, ConfigLoader.class);
        if (warned) {
            assertThat(warnings).containsExactly(file + ":4:16: ucloud.parallelism is deprecated; rename it to"
                    + " maxConcurrency");
        } else {
            assertThat(warnings).isEmpty();
        }
    }

    @Test
    void chatWebhookAndIncidentChannelsMapEveryField() {
        Map<String, String> env = Map.of("FEISHU_WEBHOOK", "https://open.feishu.cn/open-apis/bot/v2/hook/t1",
                "FEISHU_SECRET", "fs", "DINGTALK_WEBHOOK", "https://oapi.dingtalk.com/robot/send?access_token=t2",
                "DINGTALK_SECRET", "SECd", "WECOM_WEBHOOK", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=t3",
                "HOOK_URL", "https://hooks.example.com/t4", "HOOK_SECRET", "hs", "PD_ROUTING_KEY", "rk");

        BotConfig c = ConfigLoader.load(fixture("chat-valid.yml"), env);

        assertThat(c.publicUrl()).contains(URI.create("https://budgetbot.example.com/"));
        assertThat(c.channels().get("team-feishu")).isEqualTo(new ChannelConfig.Feishu("team-feishu",
                new Secret("https://open.feishu.cn/open-apis/bot/v2/hook/t1"), Optional.of(new Secret("fs"))));
        assertThat(c.channels().get("plain-feishu")).isEqualTo(new ChannelConfig.Feishu("plain-feishu",
                new Secret("https://open.feishu.cn/open-apis/bot/v2/hook/plain"), Optional.empty()));
        assertThat(c.channels().get("team-dingtalk")).isEqualTo(new ChannelConfig.DingTalk("team-dingtalk",
                new Secret("https://oapi.dingtalk.com/robot/send?access_token=t2"), Optional.of(new Secret("SECd")),
                List.of("13800000000"), false));
        assertThat(c.channels().get("team-wecom")).isEqualTo(new ChannelConfig.WeCom("team-wecom",
                new Secret("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=t3"), List.of("13800000000")));
        assertThat(c.channels().get("hook")).isEqualTo(new ChannelConfig.Webhook("hook",
                new Secret("https://hooks.example.com/t4"), Optional.of(new Secret("hs"))));
        assertThat(c.channels().get("oncall")).isEqualTo(new ChannelConfig.PagerDuty("oncall", new Secret("rk"),
                URI.create("https://events.pagerduty.com/v2/enqueue")));
    }

    @Test
    void aSlackBotWithASigningSecretHasButtonsForItsAllowedUsers(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("rules.yml"), """
                ucloud: { publicKey: pk, privateKey: sk }
                server: { listen: 9464, publicUrl: "https://budgetbot.example.com" }
                channels:
                  team:
                    type: slack
                    token: "${SLACK_BOT_TOKEN}"
                    channel: "#llm-spend"
                    signingSecret: "${SLACK_SIGNING_SECRET}"
                    allowedUsers: [U0123ABCD]
                  everyone: { type: slack, token: "${SLACK_BOT_TOKEN}", channel: "#b", signingSecret: "${SLACK_SIGNING_SECRET}" }
                  plain: { type: slack, token: "${SLACK_BOT_TOKEN}", channel: "#c" }
                rules: [{ name: r, keys: [k], models: [m], budgets: [{ metric: tokens, limit: 1M }],
                          notify: [team, everyone, plain] }]
                """);
        BotConfig c = ConfigLoader.load(file, Map.of("SLACK_BOT_TOKEN", "test-bot-token",
                "SLACK_SIGNING_SECRET", "test-signing-secret"));

        ChannelConfig.Buttons team = ((ChannelConfig.Slack) c.channels().get("team")).buttons().orElseThrow();
        assertThat(team.signingSecret().reveal()).isEqualTo("test-signing-secret");
        assertThat(team).asString().doesNotContain("test-signing-secret");
        assertThat(team.allows("U0123ABCD")).isTrue();
        assertThat(team.allows("U0456EFGH")).isFalse();
        assertThat(((ChannelConfig.Slack) c.channels().get("everyone")).buttons().orElseThrow().allows("U0456EFGH"))
                .as("without allowedUsers, everyone who sees the message").isTrue();
        assertThat(((ChannelConfig.Slack) c.channels().get("plain")).buttons()).isEmpty();
        assertThat(ConfigLoader.load(file, Map.of("SLACK_BOT_TOKEN", "test-bot-token"), ConfigLoader.Purpose.INSPECT)
                .channels()).as("an unset signing secret leaves the channel out when nothing is sent")
                .containsOnlyKeys("plain");
    }

    @Test
    void channelSecretsNeedNotBeSetForCommandsThatSendNothing() {
        Path file = fixture("unset-channel-secrets.yml");
        Map<String, String> env = Map.of("UCLOUD_PRIVATE_KEY", "sk");

        BotConfig inspect = ConfigLoader.load(file, env, ConfigLoader.Purpose.INSPECT);

        assertThat(inspect.channels()).containsOnlyKeys("console");
        assertThat(inspect.rules().get(0).channels()).containsExactly("hook", "bot", "mail", "console");
        assertThat(failure(file, env).errors()).extracting(ConfigError::message).containsExactly(
                "environment variable SLACK_WEBHOOK_URL is not set; set it, or write ${SLACK_WEBHOOK_URL:-default}"
                        + " to give a default",
                "environment variable SLACK_BOT_TOKEN is not set; set it, or write ${SLACK_BOT_TOKEN:-default} to"
                        + " give a default",
                "environment variable SMTP_PASSWORD is not set; set it, or write ${SMTP_PASSWORD:-default} to give"
                        + " a default");
        assertThat(assertThrows(ConfigException.class,
                () -> ConfigLoader.load(file, Map.of(), ConfigLoader.Purpose.INSPECT)).errors())
                .as("UCloud's key is needed to read usage").singleElement()
                .satisfies(e -> assertThat(e.path()).isEqualTo("ucloud.privateKey"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "'{}'                              | 127.0.0.1:9464",
            "'{ listen: 9100 }'                | 127.0.0.1:9100",
            "'{ listen: \"127.0.0.1:0\" }'      | 127.0.0.1:0",
            "'{ listen: \"0.0.0.0:9464\" }'     | 0.0.0.0:9464",
            "'{ listen: \"[::1]:9464\" }'       | [::1]:9464",
            "'{ listen: \"bot.internal:80\" }'  | bot.internal:80",
    })
    void serverListensOnLoopbackUnlessAnotherAddressIsWrittenOut(String server, String listen, @TempDir Path dir)
            throws IOException {
        Path file = dir.resolve("rules.yml");
        Files.writeString(file, Files.readString(fixture("minimal.yml")) + "server: " + server + "\n");

        assertThat(ConfigLoader.load(file, Map.of()).server()).map(ServerConfig::listen).contains(listen);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "':9464'      | the address is missing: write 127.0.0.1:9464 for this machine only, or 0.0.0.0:9464 for"
                    + " every address",
            "'host:70000' | port must be between 0 and 65535, got 70000",
            "'a:b'        | expected host:port such as 127.0.0.1:9464 (or 0.0.0.0:9464 for every address), got \"a:b\"",
    })
    void serverListenErrorsSayWhatToWrite(String listen, String expected, @TempDir Path dir) throws IOException {
        Path file = dir.resolve("rules.yml");
        Files.writeString(file, Files.readString(fixture("minimal.yml")) + "server: { listen: \"" + listen + "\" }\n");

        assertThat(failure(file, Map.of()).errors()).singleElement()
                .satisfies(e -> assertThat(e.path() + ": " + e.message()).isEqualTo("server.listen: " + expected));
    }

    private static Path withProjectId(Path dir, String value) throws IOException {
        Path file = dir.resolve("rules.yml");
        Files.writeString(file, Files.readString(fixture("minimal.yml"))
                .replace("privateKey: sk", "privateKey: sk\n  projectId: \"" + value + "\""));
        return file;
    }

    private static Located name(String path, int line, int column, String value) {
        return new Located(value, path, line, column);
    }

    private static Selection names(Located... names) {
        return new Selection(List.of(names));
    }
}

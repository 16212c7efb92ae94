package budgetbot.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static budgetbot.e2e.Bot.FINANCE_EMAIL;
import static budgetbot.e2e.Bot.SUBJECT_PREFIX;
import static budgetbot.e2e.Bot.TEAM_SLACK;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code budgetbot backtest}, the acceptance of the backtest issue: over two and a half days of the scenario's
 * history (with the spike of 20 Nov), it lists exactly the notifications that {@code check --at} at every step,
 * on a fresh database, delivers to Slack and by mail; and it delivers nothing and leaves the alert state alone.
 *
 * <p>backtest.yml's rules reach every notification rule: thresholds, escalation, forecast, growth firing and
 * resolving, reminders, a new day, merged messages and a notice about a key UCloud does not serve. The step of
 * 75 minutes does not divide an hour, so checks fall inside UCloud's hourly buckets.
 */
class BacktestE2ETest {
    private static final Instant FROM = Scenario.at("2026-11-19T00:00");
    private static final Instant TO = Scenario.at("2026-11-21T12:00");
    private static final Duration STEP = Duration.ofMinutes(75);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** One notification: when (the check's moment), on which channel, and its headline. */
    record Sent(Instant at, String channel, String headline) {
    }

    @Test
    void listsWhatCheckAtEveryStepSendsOnAFreshDatabaseAndSendsNothing() throws Exception {
        List<Sent> backtested;
        JsonNode report;
        try (Bot bot = Bot.install(dir.resolve("backtest"), "backtest.yml")) {
            bot.startMail();
            Cli.Run run = bot.run("backtest", "--from", Scenario.arg(FROM), "--to", Scenario.arg(TO),
                    "--step", "75m", "--format", "json").exits(0);
            report = JSON.readTree(run.out());
            backtested = new ArrayList<>();
            for (JsonNode n : report.path("timeline")) {
                assertThat(n.path("subject").asText()).startsWith(SUBJECT_PREFIX);
                backtested.add(new Sent(OffsetDateTime.parse(n.path("at").asText()).toInstant(),
                        n.path("channel").asText(), n.path("subject").asText().substring(SUBJECT_PREFIX.length())));
            }
            assertThat(bot.slack.delivered(SlackServer.HOOK)).as("posted to Slack").isEmpty();
            assertThat(bot.mails()).as("mailed").isEmpty();
            assertThat(rows(bot, "alert_state", "alert_events", "outbox", "outbox_message", "rule_evaluations",
                    "blind_spots")).as("rows in the alert state").allSatisfy((table, n) -> assertThat(n).isZero());
            assertThat(rows(bot, "usage_slice")).as("settled days kept in the usage cache")
                    .allSatisfy((table, n) -> assertThat(n).isPositive());
        }

        List<Sent> checked = new ArrayList<>();
        try (Bot bot = Bot.install(dir.resolve("checks"), "backtest.yml")) {
            bot.startMail();
            int posts = 0;
            int mails = 0;
            for (Instant at = FROM; !at.isAfter(TO); at = at.plus(STEP)) {
                bot.run("check", "--at", Scenario.arg(at)).exits(0);
                List<SlackServer.Received> delivered = bot.slack.delivered(SlackServer.HOOK);
                for (SlackServer.Received post : delivered.subList(posts, delivered.size())) {
                    checked.add(new Sent(at, TEAM_SLACK, unescaped(post.text().lines().findFirst().orElseThrow())));
                }
                posts = delivered.size();
                List<MimeMessage> received = bot.mails();
                for (MimeMessage m : received.subList(mails, received.size())) {
                    checked.add(new Sent(at, FINANCE_EMAIL, Bot.subject(m).substring(SUBJECT_PREFIX.length())));
                }
                mails = received.size();
            }
        }

        Comparator<Sent> order = Comparator.comparing(Sent::at).thenComparing(Sent::channel)
                .thenComparing(Sent::headline);
        assertThat(sorted(backtested, order)).as("backtest timeline vs what the checks delivered")
                .containsExactlyElementsOf(sorted(checked, order));
        assertThat(report.path("checks").asInt()).isEqualTo(49);

        // the history reached every notification rule, so the equality above covers them all
        List<String> statuses = new ArrayList<>();
        report.path("timeline").forEach(n -> n.path("alerts").forEach(a -> statuses.add(a.path("status").asText()
                + " " + a.path("kind").asText())));
        assertThat(statuses).contains("firing budget", "escalated budget", "firing forecast", "firing growth",
                "resolved growth", "reminder budget");
        assertThat(report.path("timeline")).anySatisfy(n -> assertThat(n.path("alerts").size()).isGreaterThan(1));
        assertThat(report.path("timeline")).anySatisfy(n -> assertThat(n.path("notice").asText())
                .isEqualTo("misconfigured"));
    }

    /** A headline as Slack shows it: mrkdwn escapes a backtick (it would start code) with a look-alike. */
    private static String unescaped(String slackText) {
        return slackText.replace("ˋ", "`").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
    }

    @Test
    void printsOnlyJsonOnStdoutWritesHtmlAndRefusesBadInput() throws Exception {
        try (Bot bot = Bot.install(dir)) {
            String from = Scenario.arg(Scenario.at("2026-11-20T00:00"));
            String to = Scenario.arg(Scenario.at("2026-11-21T00:00"));
            // the logging of the released jar, not the tests': nothing of it may reach stdout, which carries the JSON
            Path logback = Path.of("src/main/resources/logback.xml").toAbsolutePath();
            Cli.Run json;
            try (Cli.Running p = Cli.start(Optional.empty(), Map.of(), Set.of("BUDGETBOT_LOG_FORMAT",
                    "BUDGETBOT_LOG_LEVEL"), List.of("-Dlogback.configurationFile=" + logback), "backtest", "--config",
                    bot.config.toString(), "--rule", "prod-daily", "--from", from, "--to", to, "--step", "1h",
                    "--format", "json")) {
                json = p.await().exits(0);
            }
            JsonNode report = JSON.readTree(json.out());
            assertThat(report.path("checks").asInt()).isEqualTo(25);
            assertThat(report.path("rules")).hasSize(1);
            assertThat(report.path("rules").get(0).path("summary").asText()).startsWith("prod-daily: 3 alerts in 1 day: "
                    + "1 at 25%, 1 at 50%, 1 at 80%; highest ");

            Cli.Run html = bot.run("backtest", "--from", from, "--to", to, "--step", "1h", "--format", "html",
                    "--out", dir.resolve("out").toString()).exits(0);
            Path page = dir.resolve("out").resolve("backtest-20261120T0000-20261121T0000.html");
            assertThat(html.out()).contains("wrote " + page);
            assertThat(Files.readString(page)).contains("<svg", "prod-daily", "prod-growth");

            assertThat(bot.run("backtest", "--from", from, "--to", "2099-01-01").exits(2).err())
                    .contains("--to 2099-01-01 is in the future");
            assertThat(bot.run("backtest", "--from", to, "--to", from).exits(2).err()).contains("is before --from");
            assertThat(bot.run("backtest", "--from", from, "--to", to, "--step", "0m").exits(2).err())
                    .contains("--step: a step must be longer than zero");
            assertThat(bot.run("backtest", "--from", from, "--to", to, "--step", "5").exits(2).err())
                    .contains("--step: expected a duration, got the bare number 5");
            assertThat(bot.run("backtest", "--from", from, "--to", to, "--rule", "nope").exits(2).err())
                    .contains("no rule named 'nope'");
            assertThat(bot.run("backtest", "--from", "2020-01-01", "--to", to, "--step", "1s").exits(2).err())
                    .contains("too many (at most 500000)");
            assertThat(bot.slack.delivered(SlackServer.HOOK)).isEmpty();
        }
    }

    private static List<Sent> sorted(List<Sent> sent, Comparator<Sent> order) {
        return sent.stream().sorted(order).toList();
    }

    /** How many rows each table of the bot's state database holds. */
    private static Map<String, Long> rows(Bot bot, String... tables) throws Exception {
        String url = "jdbc:h2:file:" + bot.config.getParent().resolve("state").resolve("budgetbot").toAbsolutePath();
        Map<String, Long> rows = new java.util.TreeMap<>();
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            for (String table : Set.of(tables)) {
                try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
                    rs.next();
                    rows.put(table, rs.getLong(1));
                }
            }
        }
        return rows;
    }
}

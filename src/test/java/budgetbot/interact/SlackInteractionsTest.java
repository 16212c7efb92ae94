package budgetbot.interact;

import budgetbot.config.ChannelConfig;
import budgetbot.config.Secret;
import budgetbot.state.Acknowledgement;
import budgetbot.state.Silence;
import budgetbot.state.Sql;
import budgetbot.testing.CapturedLogs;
import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.StreamSupport;

import static budgetbot.interact.ClickBot.ALICE;
import static budgetbot.interact.ClickBot.BOB;
import static budgetbot.interact.ClickBot.RULE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * Buttons end to end on one bot: posted by the real Slack transports to a local Slack, clicked as Slack sends a
 * click (signed, form-encoded) to the operator's server, acted on in the state database, answered through the
 * click's response_url.
 */
class SlackInteractionsTest {
    private static final String SNOOZE_4H = "budgetbot.snooze.4h";
    private static final String ACKNOWLEDGE = "budgetbot.acknowledge";

    @TempDir
    Path tmp;
    @RegisterExtension
    final CapturedLogs logs = new CapturedLogs();

    private LocalSlack slack;
    private ClickBot bot;
    /** The alert as the bot posted it to channel team. */
    private LocalSlack.Post alert;

    @BeforeEach
    void start() throws Exception {
        slack = new LocalSlack();
        bot = new ClickBot(tmp, slack, null);
        bot.cycle();
        List<LocalSlack.Post> posts = new ArrayList<>(List.of(slack.nextPost(), slack.nextPost(), slack.nextPost()));
        alert = posts.stream().filter(p -> "#llm-spend".equals(p.form().get("channel"))).findFirst().orElseThrow();
    }

    @AfterEach
    void stop() {
        bot.close();
        slack.close();
    }

    private String click(String actionId, String user, String name, String actionTs) {
        return ClickBot.payload(alert, actionId, user, name, slack.responseUrl(actionTs), actionTs);
    }

    private static List<String> types(JsonNode blocks) {
        return StreamSupport.stream(blocks.spliterator(), false).map(b -> b.path("type").asText()).toList();
    }

    private int actionsLogged() {
        return bot.app.store().autoCommit("count", c -> Sql.query(c, "SELECT COUNT(*) FROM alert_action", ps -> { },
                rs -> rs.getInt(1))).get(0);
    }

    @Test
    void onlyTheBotChannelWithASigningSecretPostsButtons() throws Exception {
        bot.cycle();
        JsonNode blocks = LocalSlack.json(alert.form().get("blocks"));
        JsonNode actions = blocks.get(blocks.size() - 1);
        assertThat(actions.path("type").asText()).isEqualTo("actions");
        assertThat(actions.path("block_id").asText()).isEqualTo("budgetbot:team");
        assertThat(StreamSupport.stream(actions.path("elements").spliterator(), false)
                .map(b -> b.path("text").path("text").asText())).containsExactly("Acknowledge", "Snooze 4h", "Snooze 24h");
        assertThat(LocalSlack.json(actions.path("elements").get(0).path("value").asText()).path("rule").asText())
                .isEqualTo(RULE);

        bot.clock.advance(Duration.ofMinutes(61));
        bot.cycle();
        for (LocalSlack.Post reminder : List.of(slack.nextPost(), slack.nextPost(), slack.nextPost())) {
            JsonNode reminded = reminder.json() != null ? reminder.json().path("blocks")
                    : LocalSlack.json(reminder.form().get("blocks"));
            boolean team = "#llm-spend".equals(reminder.form().get("channel"));
            assertThat(types(reminded).contains("actions")).as("buttons on %s", reminder).isEqualTo(team);
        }
    }

    @Test
    void alicesSnoozeIsAnsweredBeforeTheMessageIsUpdatedAndSilencesHerGroupUntilRemoved() throws Exception {
        slack.holdResponses();
        HttpResponse<String> answer = bot.click(click(SNOOZE_4H, ALICE, "alice", "1763622000.000001"));
        assertThat(answer.statusCode()).as("answered while Slack has not taken the update yet").isEqualTo(200);
        assertThat(slack.responses).isEmpty();
        slack.answerResponses();

        JsonNode update = slack.nextResponse();
        assertThat(update.path("replace_original").asBoolean()).isTrue();
        assertThat(update.path("text").asText()).isEqualTo(alert.form().get("text"));
        assertThat(types(update.path("blocks"))).doesNotContain("actions").endsWith("context");
        Instant until = ClickBot.AT.plus(Duration.ofHours(4));
        List<Silence> silences = bot.app.store().silences(bot.clock.instant());
        assertThat(silences).singleElement().satisfies(s -> {
            assertThat(s.rule()).isEqualTo(RULE);
            assertThat(s.group()).contains(ClickBot.PROD);
            assertThat(s.endsAt()).isEqualTo(until);
            assertThat(s.reason()).isEqualTo("snoozed from Slack by alice (U0ALICE01)");
        });
        String note = update.path("blocks").get(update.path("blocks").size() - 1).path("elements").get(0)
                .path("text").asText();
        // 07:00Z is 15:00 in Shanghai
        assertThat(note).isEqualTo(":zzz: Snoozed until 19:00 by <@U0ALICE01> (silence #" + silences.get(0).id()
                + "; `budgetbot silence remove " + silences.get(0).id() + "` ends it)");
        assertThat(bot.get("/").body()).contains("snoozed from Slack by alice (U0ALICE01)");
        List<List<String>> log = bot.app.store().autoCommit("read the log", c -> Sql.query(c, "SELECT action, "
                + "rule, grp, channel, user_id, user_name, acted_at, silence_id FROM alert_action", ps -> { },
                rs -> List.of(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                        rs.getString(6), Sql.instant(rs, "acted_at").toString(), rs.getString(8))));
        assertThat(log).containsExactly(List.of("SNOOZE", RULE, ClickBot.PROD, "team", ALICE, "alice",
                ClickBot.AT.toString(), String.valueOf(silences.get(0).id())));

        bot.clock.advance(Duration.ofMinutes(61));
        assertThat(bot.cycle()).allSatisfy(o -> assertThat(o.announced()).as("snoozed: no reminder").isEmpty());
        assertThat(bot.app.store().removeSilence(silences.get(0).id())).isTrue();
        assertThat(bot.cycle()).anySatisfy(o -> assertThat(o.announced()).as("removed: reminded again").hasSize(3));
    }

    @Test
    void forgedStaleAndUnsignedClicksAre401Or403AndChangeNothing() throws Exception {
        String body = click(SNOOZE_4H, ALICE, "alice", "1763622000.000002");
        Instant now = bot.clock.instant();
        assertThat(bot.click(body, "not-the-signing-secret", now).statusCode()).isEqualTo(401);
        assertThat(bot.click(body, ClickBot.SECRET, now.minus(Duration.ofMinutes(10))).statusCode())
                .as("a replay ten minutes later").isEqualTo(401);
        assertThat(bot.click(body, ClickBot.SECRET, now.plus(Duration.ofMinutes(6))).statusCode()).isEqualTo(401);
        long ts = now.getEpochSecond();
        assertThat(bot.post(body.replace(ALICE, BOB), Map.of("X-Slack-Request-Timestamp", String.valueOf(ts),
                "X-Slack-Signature", ClickBot.sign(ClickBot.SECRET, ts, body))).statusCode())
                .as("a body changed after signing").isEqualTo(401);
        assertThat(bot.click(body.replace("budgetbot%3Ateam", "budgetbot%3Aplain")).statusCode())
                .as("team's secret signing a click on channel plain's buttons").isEqualTo(403);
        assertThat(bot.post(body, Map.of()).statusCode()).isEqualTo(401);
        assertThat(bot.post(body, Map.of("X-Slack-Request-Timestamp", "yesterday", "X-Slack-Signature", "v0=00"))
                .statusCode()).isEqualTo(401);

        assertThat(bot.app.store().silences(now)).isEmpty();
        assertThat(actionsLogged()).isZero();
        assertThat(bot.clicks("forged") + bot.clicks("stale") + bot.clicks("unsigned")).isEqualTo(7);
        assertThat(logs.messages(Level.WARN, SlackInteractions.class)).hasSize(7)
                .allMatch(m -> m.startsWith("refused a Slack click on /slack/interactions: ")
                        && !m.contains(ClickBot.SECRET));

        // the first answer through a response_url is this click's: none of the refused ones got any
        assertThat(bot.click(click(ACKNOWLEDGE, ALICE, "alice", "1763622000.000003")).statusCode()).isEqualTo(200);
        assertThat(slack.nextResponse().path("blocks").toString()).contains("Acknowledged by <@U0ALICE01>");
    }

    @Test
    void aUserOutsideAllowedUsersIsToldSoAndCreatesNoSilence() throws Exception {
        HttpResponse<String> answer = bot.click(click(SNOOZE_4H, "U0EVE0001", "eve", "1763622000.000004"));
        assertThat(answer.statusCode()).isEqualTo(200);
        JsonNode told = slack.nextResponse();
        assertThat(told.path("response_type").asText()).isEqualTo("ephemeral");
        assertThat(told.path("replace_original").asBoolean()).isFalse();
        assertThat(told.path("text").asText()).contains("not allowed").contains("allowedUsers");
        assertThat(bot.app.store().silences(bot.clock.instant())).isEmpty();
        assertThat(actionsLogged()).isZero();
        assertThat(logs.messages(Level.WARN, SlackInteractions.class)).containsExactly("Slack user eve (U0EVE0001)"
                + " pressed SNOOZE_4H on channel team but is not in its allowedUsers: nothing done");
    }

    @Test
    void aClickSlackSendsTwiceIsActedOnOnce() throws Exception {
        String body = click(SNOOZE_4H, BOB, "bob", "1763622000.000005");
        assertThat(bot.click(body).statusCode()).isEqualTo(200);
        assertThat(bot.click(body).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> bot.clicks("snoozed") + bot.clicks("duplicate") == 2);
        assertThat(bot.clicks("snoozed")).isEqualTo(1);
        assertThat(bot.app.store().silences(bot.clock.instant())).hasSize(1);
        assertThat(actionsLogged()).isEqualTo(1);
        slack.nextResponse();
        assertThat(slack.responses).as("one update of the message").isEmpty();
    }

    @Test
    void alicesAcknowledgementShowsOnTheStatusPageAndHoldsBackTheRemindersOfThePeriod() throws Exception {
        bot.clock.advance(Duration.ofMinutes(61));
        assertThat(bot.cycle()).anySatisfy(o -> assertThat(o.announced()).as("reminded hourly").hasSize(3));

        assertThat(bot.click(click(ACKNOWLEDGE, ALICE, "alice", "1763625660.000006")).statusCode()).isEqualTo(200);
        JsonNode update = slack.nextResponse();
        JsonNode actions = StreamSupport.stream(update.path("blocks").spliterator(), false)
                .filter(b -> b.path("type").asText().equals("actions")).findFirst().orElseThrow();
        assertThat(actions.path("elements").findValuesAsText("action_id")).as("Snooze stays, Acknowledge goes")
                .containsExactly("budgetbot.snooze.4h", "budgetbot.snooze.24h");
        assertThat(update.path("blocks").toString()).contains("Acknowledged by <@U0ALICE01> at 16:01");
        assertThat(bot.app.store().acknowledgements()).extracting(Acknowledgement::userId, Acknowledgement::userName)
                .containsExactly(tuple(ALICE, "alice"));
        assertThat(bot.get("/").body()).contains("announced, acknowledged by alice Fri 20 Nov 16:01");

        bot.clock.advance(Duration.ofMinutes(61));
        assertThat(bot.cycle()).allSatisfy(o -> assertThat(o.announced()).as("acknowledged: no reminder").isEmpty());
    }

    @Test
    void signaturesAreCheckedAsSlackDocumentsThem() {
        // Slack's scheme ("Verifying requests from Slack"), checked against a signature made independently:
        // printf 'v0:1531420618:%s' "$BODY" | openssl dgst -sha256 -hmac test-signing-secret
        String body = "payload=%7B%22type%22%3A%22block_actions%22%2C%22user%22%3A%7B%22id%22%3A%22U0ALICE01%22"
                + "%7D%7D";
        ChannelConfig.Buttons buttons = new ChannelConfig.Buttons(new Secret(ClickBot.SECRET), Set.of());
        byte[] raw = body.getBytes(StandardCharsets.UTF_8);
        String slacks = "v0=fe675e34a85e3a2702bb18e74ba91ff9b39d2bf7598b8cd37155a7321a1b6ead";
        assertThat(SlackInteractions.signed(buttons, "1531420618", raw, slacks)).isTrue();
        assertThat(SlackInteractions.signed(buttons, "1531420619", raw, slacks)).isFalse();
        assertThat(SlackInteractions.signed(buttons, "1531420618", raw, slacks.replace('a', 'b'))).isFalse();
    }
}

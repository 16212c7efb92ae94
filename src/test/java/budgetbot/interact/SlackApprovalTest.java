package budgetbot.interact;

import budgetbot.guard.Action;
import budgetbot.state.Sql;
import budgetbot.testing.CapturedLogs;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;

import static budgetbot.interact.ClickBot.ALICE;
import static budgetbot.interact.ClickBot.BOB;
import static budgetbot.interact.ClickBot.PROD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Approve and Reject on the message of a budget action waiting for approval, end to end: the action is triggered by
 * a check against the simulator, the message posted by the real Slack bot transport to a local Slack, the click
 * signed and sent as Slack does, and UCloud's UpdateUMInferAPIKey counted at the simulator.
 */
class SlackApprovalTest {
    private static final String APPROVE = "budgetbot.approve";
    private static final String REJECT = "budgetbot.reject";

    @TempDir
    Path tmp;
    @RegisterExtension
    final CapturedLogs logs = new CapturedLogs();

    private LocalSlack slack;
    private ClickBot bot;
    /** The message on channel team asking to approve the action. */
    private LocalSlack.Post waiting;
    private long id;

    @BeforeEach
    void start() throws Exception {
        slack = new LocalSlack();
        bot = new ClickBot(tmp, slack, null, ", action: { at: 50%, do: disable, approval: manual }");
        bot.cycle();
        List<LocalSlack.Post> posts = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            posts.add(slack.nextPost());
        }
        id = bot.app.actions().list().get(0).id();
        waiting = posts.stream().filter(p -> "#llm-spend".equals(p.form().get("channel"))
                && p.form().get("text").contains("#" + id + " waits for approval")).findFirst().orElseThrow();
    }

    @AfterEach
    void stop() {
        bot.close();
        slack.close();
    }

    private String click(String actionId, String user, String name, String actionTs) {
        return ClickBot.payload(waiting, actionId, user, name, slack.responseUrl(actionTs), actionTs);
    }

    private Action action() {
        return bot.app.actions().list().stream().filter(a -> a.id() == id).findFirst().orElseThrow();
    }

    private static String note(JsonNode update) {
        JsonNode blocks = update.path("blocks");
        assertThat(StreamSupport.stream(blocks.spliterator(), false).map(b -> b.path("type").asText()))
                .as("no buttons left").doesNotContain("actions");
        return blocks.get(blocks.size() - 1).path("elements").get(0).path("text").asText();
    }

    /** Each bot's first check posts six messages to three channels, Slack's pace: a test a case is costly. */
    @Test
    void approveIsConfirmedByAllowedUsersOnlyAndDisablesTheKeyOnceRecordingWhoApproved() throws Exception {
        JsonNode blocks = LocalSlack.json(waiting.form().get("blocks"));
        JsonNode buttons = blocks.get(blocks.size() - 1);
        assertThat(buttons.path("block_id").asText()).isEqualTo("budgetbot:team");
        assertThat(buttons.path("elements").findValuesAsText("action_id")).containsExactly(APPROVE, REJECT);
        JsonNode approve = buttons.path("elements").get(0);
        assertThat(approve.path("confirm").path("title").path("text").asText())
                .isEqualTo("Approve action #" + id + "?");
        assertThat(approve.path("confirm").path("text").path("text").asText()).contains("disable key " + PROD);
        assertThat(buttons.path("elements").get(1).path("style").asText()).isEqualTo("danger");

        assertThat(bot.click(click(APPROVE, "U0EVE0001", "eve", "1763622000.000100")).statusCode()).isEqualTo(200);
        JsonNode told = slack.nextResponse();
        assertThat(told.path("response_type").asText()).isEqualTo("ephemeral");
        assertThat(told.path("text").asText()).contains("not allowed");
        assertThat(action().status()).isEqualTo(Action.Status.PENDING);
        assertThat(bot.keyUpdates()).as("nothing sent while the action waits").isEmpty();

        String body = click(APPROVE, ALICE, "alice", "1763622000.000101");
        assertThat(bot.click(body).statusCode()).isEqualTo(200);
        assertThat(bot.click(body).statusCode()).as("Slack's retry").isEqualTo(200);

        JsonNode update = slack.nextResponse();
        assertThat(update.path("replace_original").asBoolean()).isTrue();
        // 07:00Z is 15:00 in Shanghai
        assertThat(note(update)).isEqualTo(":white_check_mark: <@U0ALICE01> approved action #" + id
                + " at 15:00: done. Undo: `budgetbot action revert " + id + "`");
        await().atMost(Duration.ofSeconds(30)).until(() -> bot.clicks("approved") + bot.clicks("duplicate") == 2);
        assertThat(bot.keyUpdates()).singleElement().satisfies(u -> {
            assertThat(u).containsEntry("KeyId", PROD).containsEntry("ModelverseDisabled", "1");
        });
        assertThat(action().status()).isEqualTo(Action.Status.APPLIED);
        assertThat(bot.app.actions().decidedBy(id)).contains("alice (U0ALICE01) from Slack");
        List<List<String>> log = bot.app.store().autoCommit("read the log", c -> Sql.query(c, "SELECT action,"
                + " user_id, user_name FROM alert_action", ps -> { },
                rs -> List.of(rs.getString(1), rs.getString(2), rs.getString(3))));
        assertThat(log).containsExactly(List.of("APPROVE #" + id, ALICE, "alice"));

        // Bob clicks the same message later (his Slack had not refreshed it): nothing more happens
        assertThat(bot.click(click(REJECT, BOB, "bob", "1763622000.000102")).statusCode()).isEqualTo(200);
        assertThat(note(slack.nextResponse())).contains("action #" + id + " is applied already: nothing done");
        assertThat(action().status()).isEqualTo(Action.Status.APPLIED);
        assertThat(bot.keyUpdates()).hasSize(1);
    }

    @Test
    void bobsRejectionSendsNothingToUCloud() throws Exception {
        assertThat(bot.click(click(REJECT, BOB, "bob", "1763622000.000103")).statusCode()).isEqualTo(200);
        assertThat(note(slack.nextResponse())).isEqualTo(":no_entry_sign: <@U0BOB0001> rejected action #" + id
                + " at 15:00: it will not happen");
        assertThat(action().status()).isEqualTo(Action.Status.REJECTED);
        assertThat(bot.app.actions().decidedBy(id)).contains("bob (U0BOB0001) from Slack");
        assertThat(bot.keyUpdates()).isEmpty();
    }

    @Test
    void uCloudRefusingTheApprovedChangeIsSaidOnTheMessage() throws Exception {
        bot.sim.refuse("UpdateUMInferAPIKey", 299, "IAM check failed");
        assertThat(bot.click(click(APPROVE, ALICE, "alice", "1763622000.000105")).statusCode()).isEqualTo(200);
        assertThat(note(slack.nextResponse())).startsWith(":no_entry_sign: <@U0ALICE01> approved action #" + id
                + " at 15:00, but it failed: ").contains("IAM check failed");
        assertThat(action().status()).isEqualTo(Action.Status.FAILED);
    }
}

package budgetbot.interact;

import budgetbot.state.Sql;
import budgetbot.testing.TestDb;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Two instances of a cluster on one PostgreSQL database both receive the same click: it is acted on once. */
class SlackClusterTest {
    @TempDir
    Path tmp;

    @Test
    void twoInstancesReceivingTheSameClickSnoozeOnceAndUpdateTheMessageOnce() throws Exception {
        try (TestDb db = TestDb.create(TestDb.Kind.POSTGRES, tmp); LocalSlack slack = new LocalSlack();
             ClickBot one = new ClickBot(tmp.resolve("one"), slack, db.config().url());
             ClickBot two = new ClickBot(tmp.resolve("two"), slack, db.config().url())) {
            one.cycle();
            LocalSlack.Post alert = List.of(slack.nextPost(), slack.nextPost(), slack.nextPost()).stream()
                    .filter(p -> "#llm-spend".equals(p.form().get("channel"))).findFirst().orElseThrow();
            String click = ClickBot.payload(alert, "budgetbot.snooze.24h", ClickBot.ALICE, "alice",
                    slack.responseUrl("both"), "1763622000.000007");

            CountDownLatch go = new CountDownLatch(1);
            List<CompletableFuture<HttpResponse<String>>> answers = List.of(one, two).stream()
                    .map(bot -> CompletableFuture.supplyAsync(() -> {
                        awaitQuietly(go);
                        return bot.click(click);
                    })).toList();
            go.countDown();
            for (CompletableFuture<HttpResponse<String>> a : answers) {
                assertThat(a.get().statusCode()).isEqualTo(200);
            }

            await().atMost(Duration.ofSeconds(30)).until(() -> one.clicks("snoozed") + two.clicks("snoozed")
                    + one.clicks("duplicate") + two.clicks("duplicate") == 2);
            assertThat(one.clicks("snoozed") + two.clicks("snoozed")).isEqualTo(1);
            assertThat(one.app.store().silences(one.clock.instant())).singleElement()
                    .satisfies(s -> assertThat(s.reason()).isEqualTo("snoozed from Slack by alice (U0ALICE01)"));
            assertThat(two.app.store().silences(two.clock.instant())).hasSize(1);
            List<Integer> logged = one.app.store().autoCommit("count", c -> Sql.query(c,
                    "SELECT COUNT(*) FROM alert_action", ps -> { }, rs -> rs.getInt(1)));
            assertThat(logged).containsExactly(1);
            assertThat(slack.nextResponse().path("blocks").toString()).contains("Snoozed until Sat 21 Nov 15:00");
            assertThat(slack.responses).as("one update of the message").isEmpty();
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

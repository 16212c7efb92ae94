package budgetbot.schedule;

import budgetbot.app.App;
import budgetbot.config.ServerConfig;
import budgetbot.server.OpsServer;
import budgetbot.ucloud.UCloudClient;
import budgetbot.usage.UsageSource;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static budgetbot.schedule.TestBot.NEVER;
import static budgetbot.schedule.TestBot.RULE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A reload waits for the running jobs of the old configuration, and a check waiting on a slow UCloud can take
 * minutes: meanwhile {@code /healthz} answers at once, saying {@code reloading}, and the status page and
 * {@code /metrics} answer too. Nothing here is timed: each answer arrives while the reload is still waiting.
 */
class ReloadHealthTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void theOperatorsEndpointsAnswerAndSayReloadingWhileAReloadWaitsForASlowCheck() throws Exception {
        CountDownLatch fetching = new CountDownLatch(1);
        CountDownLatch answered = new CountDownLatch(1);
        try (TestBot bot = TestBot.inMemory(dir, ConfigWatchTest.MORNING).write(NEVER, NEVER, "")) {
            ConfigWatch watch = ConfigWatch.start(bot.file, bot::load, cfg -> {
                UCloudClient ucloud = UCloudClient.create(cfg.ucloud(), cfg.calendar().zone());
                // a UCloud that answers only once the test has seen the endpoints answer: a check stuck on it
                UsageSource slow = (series, window) -> {
                    fetching.countDown();
                    await().atMost(Duration.ofSeconds(60)).until(() -> answered.getCount() == 0);
                    return ucloud.fetch(series, window);
                };
                return App.open(cfg, slow, ucloud, Map.of("ops", Recorder.open()), bot.clock);
            }, Duration.ofSeconds(30));
            OpsServer server = OpsServer.start(new ServerConfig("127.0.0.1", 0), watch::app, watch::schedulerRunning,
                    watch::reloading);
            try {
                Fires fires = Fires.on(watch.scheduler());
                watch.scheduler().quartz().triggerJob(BotScheduler.ruleKey(RULE));
                assertThat(fetching.await(30, TimeUnit.SECONDS)).as("the check waits on UCloud").isTrue();

                bot.write(NEVER, NEVER, "batch");
                CompletableFuture<Boolean> reload = CompletableFuture.supplyAsync(watch::poll);
                await().atMost(Duration.ofSeconds(30)).until(watch::reloading);

                HttpResponse<String> health = get(server, "/healthz");
                assertThat(reload).as("the reload still waits for the check").isNotDone();
                assertThat(health.statusCode()).isEqualTo(200);
                assertThat(JSON.readTree(health.body()).path("status").asText()).isEqualTo("reloading");
                assertThat(get(server, "/").statusCode()).isEqualTo(200);
                assertThat(get(server, "/metrics").statusCode()).isEqualTo(200);
                assertThat(reload).as("still waiting after all three answered").isNotDone();
                assertThat(fires.of("rule:" + RULE)).as("the check has not ended").isEmpty();

                answered.countDown();
                assertThat(reload.get(60, TimeUnit.SECONDS)).as("the new configuration runs").isTrue();
                assertThat(fires.of("rule:" + RULE)).as("after the check ended").hasSize(1);
                JsonNode after = JSON.readTree(get(server, "/healthz").body());
                assertThat(after.path("status").asText()).isNotEqualTo("reloading");
            } finally {
                answered.countDown();
                server.close();
                watch.close();
            }
        }
    }

    private static HttpResponse<String> get(OpsServer server, String path) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        return http.send(HttpRequest.newBuilder(URI.create("http://" + server.address() + path))
                .timeout(Duration.ofSeconds(20)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}

package budgetbot.server;

import budgetbot.simulator.Fault;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.sql.Connection;
import java.sql.Statement;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The operator's endpoints over real HTTP, against the simulator and H2. */
class OpsServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    Ops ops;

    @BeforeEach
    void start() throws Exception {
        ops = new Ops(dir);
    }

    @AfterEach
    void stop() {
        ops.close();
    }

    @Test
    void healthzIs200WhileFetchingWorksAnd503OnceUCloudIsUnreachablePastStaleAfter() throws Exception {
        assertThat(ops.get("/healthz").statusCode()).as("nothing checked yet is nothing failing").isEqualTo(200);
        ops.cycle();
        HttpResponse<String> ok = ops.get("/healthz");
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.headers().firstValue("Content-Type")).contains("application/json");
        assertThat(JSON.readTree(ok.body()).path("rules").get(0).path("lastSuccess").asText())
                .isEqualTo(Ops.AT.toString());

        ops.sim.close();
        ops.clock.advance(Duration.ofMinutes(5));
        assertThat(ops.cycle()).allSatisfy(o -> assertThat(o.error()).isPresent());
        assertThat(ops.get("/healthz").statusCode()).as("failing, but not yet for staleAfter").isEqualTo(200);

        ops.clock.advance(Duration.ofMinutes(30));
        ops.cycle();
        assertThat(ops.get("/healthz").statusCode()).as("failing for exactly staleAfter").isEqualTo(200);
        ops.clock.advance(Duration.ofSeconds(1));
        HttpResponse<String> stale = ops.get("/healthz");

        assertThat(stale.statusCode()).isEqualTo(503);
        JsonNode failing = JSON.readTree(stale.body()).path("failing");
        assertThat(failing).hasSize(1);
        assertThat(failing.get(0).path("component").asText()).isEqualTo("rule prod-daily");
        assertThat(failing.get(0).path("since").asText()).isEqualTo(Ops.AT.plus(Duration.ofMinutes(5)).toString());
        assertThat(failing.get(0).path("problem").asText()).contains("staleAfter 30m", "no answer from 127.0.0.1");
    }

    @Test
    void aRuleWhoseOnlyKeyIsMisspeltIsDegradedAndHealthzAndTheStatusPageNameTheKey() throws Exception {
        ops.close();
        ops = new Ops(dir.resolve("misspelt"), "[uminferapikey-prdo]");
        ops.cycle();

        HttpResponse<String> health = ops.get("/healthz");
        assertThat(health.statusCode()).as("restarting would not mend the configuration").isEqualTo(200);
        JsonNode body = JSON.readTree(health.body());
        assertThat(body.path("status").asText()).isEqualTo("degraded");
        String didYouMean = "unknown key \"uminferapikey-prdo\"; did you mean `" + Ops.PROD + "`?";
        assertThat(body.path("blind").get(0).path("component").asText()).isEqualTo("rule prod-daily");
        assertThat(body.path("blind").get(0).path("problem").asText()).contains(didYouMean);
        assertThat(body.path("rules").get(0).path("series").asInt()).isZero();
        assertThat(body.path("rules").get(0).path("problems").get(0).asText()).contains(didYouMean);

        String page = ops.get("/").body();
        assertThat(page).contains("Working, but blind:", "Sees nothing: UCloud serves none of the keys and models",
                "unknown key &quot;uminferapikey-prdo&quot;; did you mean `" + Ops.PROD + "`?");
        assertThat(PrometheusText.parse(ops.get("/metrics").body())
                .value("budgetbot_rule_scope_problems", Map.of("rule", "prod-daily"))).contains(1.0);
    }

    @Test
    void aChannelThatHasNotDeliveredForFifteenMinutesMakesTheBotDegradedAndThePageSaysSo() throws Exception {
        ops.delivering.set(false);
        ops.cycle();
        assertThat(ops.sent).isEmpty();
        assertThat(JSON.readTree(ops.get("/healthz").body()).path("status").asText())
                .as("a first failure is retried, not yet news").isEqualTo("ok");

        ops.clock.advance(Health.UNDELIVERED_AFTER);
        HttpResponse<String> health = ops.get("/healthz");

        assertThat(health.statusCode()).as("restarting would not mend the channel").isEqualTo(200);
        JsonNode body = JSON.readTree(health.body());
        assertThat(body.path("status").asText()).isEqualTo("degraded");
        assertThat(body.path("undelivered").get(0).path("component").asText()).isEqualTo("channel ops");
        assertThat(body.path("undelivered").get(0).path("problem").asText()).contains("not delivered")
                .contains("ops answered HTTP 503");
        assertThat(body.path("undelivered").get(0).path("since").asText()).isEqualTo(Ops.AT.toString());
        assertThat(ops.get("/").body()).contains("Working, but not delivering:", "channel ops");

        ops.delivering.set(true);
        ops.app.dispatcher().drain();
        assertThat(ops.sent).isNotEmpty();
        assertThat(JSON.readTree(ops.get("/healthz").body()).path("status").asText()).isEqualTo("ok");
    }

    @Test
    void healthzIs503WhenTheSchedulerDoesNotRunAndSaysSince() throws Exception {
        ops.schedulerRunning.set(false);
        HttpResponse<String> down = ops.get("/healthz");

        assertThat(down.statusCode()).isEqualTo(503);
        JsonNode failing = JSON.readTree(down.body()).path("failing").get(0);
        assertThat(failing.path("component").asText()).isEqualTo("scheduler");
        assertThat(failing.path("since").asText()).isEqualTo(Ops.AT.toString());

        ops.clock.advance(Duration.ofMinutes(1));
        assertThat(JSON.readTree(ops.get("/healthz").body()).path("failing").get(0).path("since").asText())
                .as("still the first time it was seen failing").isEqualTo(Ops.AT.toString());
        ops.schedulerRunning.set(true);
        assertThat(ops.get("/healthz").statusCode()).isEqualTo(200);
    }

    @Test
    void metricsParseAsPrometheusTextAndTheCountersMoveAfterACycle() {
        PrometheusText before = PrometheusText.parse(ops.get("/metrics").body());
        assertThat(before.value("budgetbot_usage_fetches_total", Map.of("outcome", "ok"))).isEmpty();

        ops.cycle();
        ops.sim.faults().enqueue(Fault.of(Fault.Kind.RET153), 10);
        ops.clock.advance(Duration.ofMinutes(5));
        ops.cycle();
        HttpResponse<String> scrape = ops.get("/metrics");
        PrometheusText after = PrometheusText.parse(scrape.body());
        assertThat(ops.get("/").body()).as("the status page names the key as UCloud lists it, beside its id")
                .containsPattern("<b>[^<(]+ \\(" + Ops.PROD + "\\)</b>");

        assertThat(scrape.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t)
                .startsWith("text/plain; version=0.0.4"));
        assertThat(after.types).containsEntry("budgetbot_usage_fetches_total", "counter")
                .containsEntry("budgetbot_usage_fetch_seconds", "histogram")
                .containsEntry("budgetbot_budget_ratio", "gauge");
        // the day so far of two keys: one request each, then both rate-limited
        assertThat(after.value("budgetbot_usage_fetches_total", Map.of("outcome", "ok", "ret_code", "0"))).contains(2.0);
        assertThat(after.value("budgetbot_usage_fetches_total", Map.of("outcome", "failed", "ret_code", "153")))
                .hasValueSatisfying(v -> assertThat(v).isPositive());
        assertThat(after.value("budgetbot_usage_fetch_seconds_count", Map.of())).hasValueSatisfying(v ->
                assertThat(v).isGreaterThanOrEqualTo(3.0));
        assertThat(after.value("budgetbot_rule_evaluations_total", Map.of("rule", "prod-daily", "outcome", "ok")))
                .contains(1.0);
        assertThat(after.value("budgetbot_rule_evaluations_total", Map.of("rule", "prod-daily", "outcome", "failed")))
                .contains(1.0);
        assertThat(after.value("budgetbot_budget_ratio", Map.of("rule", "prod-daily", "group", Ops.PROD)))
                .hasValueSatisfying(v -> assertThat(v).isCloseTo(Ops.PROD_SHARE, org.assertj.core.data.Offset.offset(0.001)));
        assertThat(after.value("budgetbot_alerts_active", Map.of("rule", "prod-daily", "level", "50%"))).isPresent();
        assertThat(after.value("budgetbot_notifications_sent_total", Map.of("channel", "ops")))
                .contains((double) ops.sent.size());
        assertThat(ops.sent).isNotEmpty();
        assertThat(after.value("budgetbot_notifications_pending", Map.of("channel", "ops"))).isEmpty();
        assertThat(after.value("budgetbot_outbox_oldest_pending_age_seconds", Map.of())).contains(0.0);
        assertThat(after.value("budgetbot_config_last_reload_successful", Map.of())).contains(1.0);
        assertThat(after.value("budgetbot_usage_cache_days_total", Map.of("source", "cache"))).isPresent();
    }

    @Test
    void theStatusPageListsTheBudgetActionsAndMetricsCountThemByStatus() throws Exception {
        try (Connection c = ops.app.store().dataSource().getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO guard_action (rule, condition, grp, period_start, period_end, key_id, kind,"
                    + " ucloud_field, target_value, approval, until_period_end, status, before_value, created_at,"
                    + " updated_at) VALUES ('prod-daily', 'budget[0]:tokens/day', '" + Ops.PROD + "',"
                    + " TIMESTAMP WITH TIME ZONE '2026-11-19 16:00:00+00:00',"
                    + " TIMESTAMP WITH TIME ZONE '2026-11-20 16:00:00+00:00', '" + Ops.PROD + "', 'DISABLE',"
                    + " 'ModelverseDisabled', '1', 'MANUAL', FALSE, 'APPLIED', '0',"
                    + " TIMESTAMP WITH TIME ZONE '2026-11-20 07:00:00+00:00',"
                    + " TIMESTAMP WITH TIME ZONE '2026-11-20 07:00:00+00:00')");
        }

        String page = ops.get("/").body();
        PrometheusText metrics = PrometheusText.parse(ops.get("/metrics").body());

        assertThat(page).contains("Budget actions").contains("disable " + Ops.PROD + " (ModelverseDisabled=1)")
                .contains("<td>applied</td>");
        assertThat(metrics.value("budgetbot_actions", Map.of("status", "applied"))).hasValue(1.0);
    }

    @Test
    void unknownPathsAre404AndOnlyGetAndHeadAreServed() {
        assertThat(ops.get("/nope").statusCode()).isEqualTo(404);
        HttpResponse<String> post = ops.send(HttpRequest.newBuilder(URI.create(ops.url("/healthz")))
                .POST(HttpRequest.BodyPublishers.noBody()).build());
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(ops.send(HttpRequest.newBuilder(URI.create(ops.url("/")))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build()).statusCode()).isEqualTo(200);
    }
}

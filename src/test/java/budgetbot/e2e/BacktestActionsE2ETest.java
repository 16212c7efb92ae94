package budgetbot.e2e;

import budgetbot.simulator.Simulator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static budgetbot.e2e.Scenario.PROD;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A backtest of a rule with an automatic cap, against the simulator, which counts every UpdateUMInferAPIKey it gets:
 * the report lists the cap once a day, at the first check whose day reached the budget (as {@code check} finds it),
 * in the table, the JSON and the HTML page, and no key is changed.
 */
class BacktestActionsE2ETest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void aBacktestListsTheCapItWouldHaveSetOnceADayAndCallsNoUpdate() throws Exception {
        try (Simulator sim = Scenario.simulator()) {
            backtest(sim);
        }
    }

    private void backtest(Simulator sim) throws Exception {
        Map<String, String> values = new HashMap<>(Scenario.ucloud(sim));
        values.put("STATE_URL", "jdbc:h2:file:" + dir.resolve("state").resolve("budgetbot").toAbsolutePath());
        values.putAll(Map.of("RULE", "prod-cap", "METRIC", "cost", "LIMIT", "0.4", "DO", "cap", "APPROVAL", "auto",
                "UNTIL", ", until: periodEnd"));
        String config = Scenario.config(dir, "guard.yml", values).toString();
        String from = Scenario.arg(Scenario.at("2026-11-21T00:00"));
        String to = Scenario.arg(Scenario.at("2026-11-22T23:00"));

        JsonNode report = JSON.readTree(Cli.run("backtest", "--config", config, "--from", from, "--to", to,
                "--step", "1h", "--format", "json").exits(0).out());
        Cli.Run table = Cli.run("backtest", "--config", config, "--from", from, "--to", to, "--step", "1h").exits(0);
        Cli.Run html = Cli.run("backtest", "--config", config, "--from", from, "--to", to, "--step", "1h",
                "--format", "html").exits(0);

        JsonNode actions = report.path("actions");
        assertThat(actions).as("%s", actions).hasSize(2);
        List<Instant> when = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            JsonNode a = actions.get(i);
            String day = "2026-11-2" + (i + 1);
            assertThat(a.path("rule").asText()).isEqualTo("prod-cap");
            assertThat(a.path("key").asText()).isEqualTo(PROD);
            assertThat(a.path("do").asText()).isEqualTo("cap");
            assertThat(a.path("field").asText()).isEqualTo("DailyLimitAmount");
            assertThat(a.path("value").asText()).isEqualTo("0.4");
            assertThat(a.path("approval").asText()).isEqualTo("auto");
            assertThat(a.path("untilPeriodEnd").asBoolean()).isTrue();
            assertThat(OffsetDateTime.parse(a.path("periodStart").asText()).toInstant())
                    .isEqualTo(Scenario.day(day).start());
            assertThat(OffsetDateTime.parse(a.path("periodEnd").asText()).toInstant())
                    .isEqualTo(Scenario.day(day).end());
            Instant at = OffsetDateTime.parse(a.path("at").asText()).toInstant();
            assertThat(Scenario.day(day).contains(at)).as("%s in %s", at, day).isTrue();
            when.add(at);
        }
        assertThat(report.path("rules").get(0).path("actions")).isEqualTo(actions);
        assertThat(report.path("rules").get(0).path("summary").asText()).endsWith("; 2 budget actions (cap)");

        // the replay acts at the first check that reaches the budget, as a check on its own would
        Instant first = when.get(0);
        assertThat(Cli.run("check", "--config", config, "--at", Scenario.arg(first.minus(Duration.ofHours(1))),
                "--dry-run").exits(0).out()).doesNotContain("would cap");
        assertThat(Cli.run("check", "--config", config, "--at", Scenario.arg(first), "--dry-run").exits(0).out())
                .contains("would cap " + PROD + " (DailyLimitAmount=0.4)");

        assertThat(table.out()).contains("2 budget actions that would have been taken (no key was changed)")
                .contains("Budget actions that would have been taken (UpdateUMInferAPIKey was not called)")
                .containsPattern("2026-11-21 \\d\\d:00  prod-cap  " + PROD + "  cap " + PROD
                        + "'s daily limit at CNY 0.4 \\(DailyLimitAmount=0.4\\), automatically; undone when its period"
                        + " ends, 2026-11-22 00:00")
                .containsPattern("2026-11-22 \\d\\d:00  prod-cap  " + PROD + "  cap .*ends, 2026-11-23 00:00");
        assertThat(html.out()).contains("<table class=\"actions\">")
                .containsPattern("<td>cap " + PROD + "&#39;s daily limit at CNY 0.4 .*2026-11-22 00:00</td>")
                .containsPattern("<td>cap " + PROD + "&#39;s daily limit at CNY 0.4 .*2026-11-23 00:00</td>");
        assertThat(sim.requests()).as("requests the simulator got").isNotEmpty()
                .noneMatch(r -> Simulator.UPDATE_KEY.equals(r.get("Action")));
    }
}

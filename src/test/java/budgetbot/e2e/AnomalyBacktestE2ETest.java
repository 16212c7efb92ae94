package budgetbot.e2e;

import budgetbot.simulator.Rhythm;
import budgetbot.simulator.Simulator;
import budgetbot.simulator.Spike;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static budgetbot.e2e.Scenario.BATCH;
import static budgetbot.e2e.Scenario.PROD;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The acceptance of the anomaly issue, through {@code budgetbot backtest} as a user runs it: weeks of hourly usage
 * with quiet nights and weekends, a Monday ramp and 10 % noise on two keys (the simulator's weekly rhythm), and a 3x
 * spike over two hours on one key on Wednesday 18 Nov 2026 at 14:00. A one-week backtest at hourly steps alerts on
 * that key at 15:00 (its first complete spike hour), escalates at 16:00, resolves at 18:00 (the check at 17:00 comes
 * as 16:00-17:00 ends, too soon to count that hour as normal), and sends nothing else.
 */
class AnomalyBacktestE2ETest {
    private static final Instant SPIKE = Scenario.at("2026-11-18T14:00");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** One alert of the timeline: when, for which key, and what happened. */
    record Alerted(Instant at, String group, String status, String kind) {
    }

    @Test
    void aOneWeekBacktestFindsTheWednesdaySpikeInItsFirstCompleteHourAndNothingElse() throws Exception {
        Simulator sim = Simulator.start(Scenario.options().withRhythm(Rhythm.WEEKLY)
                .withSpike(new Spike(PROD, Optional.of(SPIKE), Duration.ofHours(2), 3))
                .withClock(Clock.fixed(Scenario.at("2026-11-24T12:00"), ZoneOffset.UTC)));
        try (sim) {
            Map<String, String> values = new HashMap<>(Scenario.ucloud(sim));
            values.put("STATE_URL", "jdbc:h2:file:" + dir.resolve("state").resolve("budgetbot").toAbsolutePath());
            Path config = Scenario.config(dir, "anomaly.yml", values);

            Cli.Run run = Cli.run("backtest", "--config", config.toString(), "--from",
                    Scenario.arg(Scenario.at("2026-11-16T00:00")), "--to", Scenario.arg(Scenario.at("2026-11-22T23:00")),
                    "--step", "1h", "--format", "json").exits(0);

            JsonNode report = JSON.readTree(run.out());
            assertThat(report.path("checks").asInt()).isEqualTo(168);
            List<Alerted> alerted = new ArrayList<>();
            for (JsonNode n : report.path("timeline")) {
                n.path("alerts").forEach(a -> alerted.add(new Alerted(OffsetDateTime.parse(n.path("at").asText())
                        .toInstant(), n.path("group").asText(), a.path("status").asText(), a.path("kind").asText())));
            }
            assertThat(alerted).as("the timeline, %s", run.out()).containsExactly(
                    new Alerted(SPIKE.plus(Duration.ofHours(1)), PROD, "firing", "anomaly"),
                    new Alerted(SPIKE.plus(Duration.ofHours(2)), PROD, "escalated", "anomaly"),
                    // at 17:00 the hour 16:00-17:00 has only just ended: it resolves at the next check
                    new Alerted(SPIKE.plus(Duration.ofHours(4)), PROD, "resolved", "anomaly"));
            assertThat(alerted).noneMatch(a -> a.group().equals(BATCH));
            JsonNode first = report.path("timeline").get(0);
            assertThat(first.path("subject").asText()).matches("\\[budgetbot] spikes \\([^()]+ \\(uminferapikey-prod\\)\\):"
                    + " [^()]+ \\(uminferapikey-prod\\) used [0-9.]+[kM] tokens 14:00–15:00, [0-9.]+× the usual"
                    + " [0-9.]+[kM] for a"
                    + " Wednesday at 14:00 \\(\\+[0-9.]+[kM] tokens, about CNY [0-9.]+ above expected\\)");
        }
    }
}

package budgetbot.e2e;

import budgetbot.simulator.Fault;
import budgetbot.simulator.Simulator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Logs as a process writes them: text by default, JSON lines with --log-format json; fetch lines carry their context. */
class LogFormatE2ETest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String OFFSET_TIME = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d\\d:\\d\\d)";

    @TempDir
    Path dir;

    Simulator sim;
    Path config;

    @BeforeEach
    void start() throws Exception {
        sim = Scenario.simulator();
        config = Files.writeString(dir.resolve("rules.yml"), """
                ucloud: { baseUrl: "%s", publicKey: "%s", privateKey: "%s", maxRetries: 0 }
                state: { url: "jdbc:h2:file:%s" }
                channels: { ops: { type: console } }
                rules:
                  - name: prod-daily
                    keys: [%s]
                    models: [%s]
                    budgets: [{ metric: tokens, limit: 15M }]
                    notify: [ops]
                """.formatted(sim.baseUrl(), sim.publicKey(), sim.privateKey().reveal(),
                dir.resolve("state").resolve("db").toAbsolutePath(), Scenario.PROD, Scenario.R1));
        sim.faults().enqueue(Fault.of(Fault.Kind.RET153), 10);
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    private Cli.Run check(String... extra) {
        List<String> args = new ArrayList<>(List.of("check", "--config", config.toString(), "--at",
                Scenario.arg(Scenario.at("2026-11-20T15:00"))));
        args.addAll(List.of(extra));
        return Cli.process(Map.of(), Set.of("BUDGETBOT_LOG_FORMAT", "BUDGETBOT_LOG_LEVEL"),
                args.toArray(String[]::new)).exits(1);
    }

    @Test
    void jsonLinesCarryAnOffsetTimestampAndTheFetchsRuleKeyModelAndRequestId() throws Exception {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : check("--log-format", "json").err().split("\n")) {
            if (!line.isBlank()) {
                lines.add(JSON.readTree(line));
            }
        }

        assertThat(lines).isNotEmpty().allSatisfy(l -> assertThat(l.path("@timestamp").asText()).matches(OFFSET_TIME));
        JsonNode failed = lines.stream().filter(l -> l.path("logger_name").asText().endsWith("UCloudClient"))
                .findFirst().orElseThrow();
        assertThat(failed.path("level").asText()).isEqualTo("WARN");
        assertThat(failed.path("rule").asText()).isEqualTo("prod-daily");
        assertThat(failed.path("key").asText()).isEqualTo(Scenario.PROD);
        assertThat(failed.path("model").asText()).isEqualTo(Scenario.R1);
        assertThat(failed.path("requestId").asText()).isNotBlank().isNotEqualTo("(none)");
        assertThat(failed.path("message").asText()).contains("RetCode 153");
    }

    @Test
    void textLinesEndWithTheFetchsContext() {
        String warn = check("--log-format", "text").err().lines().filter(l -> l.contains("UCloudClient"))
                .findFirst().orElseThrow();

        assertThat(warn).matches(OFFSET_TIME + " WARN .*").contains("rule=prod-daily", "key=" + Scenario.PROD,
                "model=" + Scenario.R1, "requestId=");
    }
}

package budgetbot.e2e;

import budgetbot.simulator.Simulator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code run} with {@code server.listen}, as its own process: healthy, and its counters move with each cycle. */
class RunServerE2ETest {
    private static final Pattern EVALUATIONS = Pattern.compile(
            "budgetbot_rule_evaluations_total\\{outcome=\"ok\",rule=\"prod-daily\"} ([0-9.]+)");

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void runServesHealthzAndMetricsWhoseCountersMoveAndStopsOnSigterm() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try (Simulator sim = Scenario.simulator()) {
            Path config = Files.writeString(dir.resolve("rules.yml"), """
                    ucloud: { baseUrl: "%s", publicKey: "%s", privateKey: "%s" }
                    state: { url: "jdbc:h2:file:%s" }
                    channels: { ops: { type: console } }
                    server: { listen: "127.0.0.1:%d" }
                    rules:
                      - name: prod-daily
                        schedule: "*/2 * * * * ?"
                        keys: [%s]
                        models: [%s]
                        budgets: [{ metric: tokens, limit: 15M }]
                        notify: [ops]
                    """.formatted(sim.baseUrl(), sim.publicKey(), sim.privateKey().reveal(),
                    dir.resolve("state").resolve("db").toAbsolutePath(), port, Scenario.PROD, Scenario.R1));
            // the production logging (INFO, text) instead of the tests' logback-test.xml
            try (Cli.Running run = Cli.start(Optional.empty(), Map.of(), Set.of(), "run", "--config",
                    config.toString(), "--log-format", "text")) {
                String base = "http://127.0.0.1:" + port;
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                        .until(() -> evaluations(base).filter(n -> n >= 1).isPresent());
                double first = evaluations(base).orElseThrow();
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                        .until(() -> evaluations(base).orElseThrow() > first);

                HttpResponse<String> health = get(base + "/healthz");
                assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
                assertThat(get(base + "/").body()).contains("prod-daily", "tokens per day");
                assertThat(get(base + "/metrics").body()).contains("jvm_memory_used_bytes");

                Cli.Run stopped = run.stop();
                assertThat(stopped.err()).contains("serving /healthz, /metrics and the status page on "
                        + "http://127.0.0.1:" + port + "/", "stopped");
            }
        }
    }

    private Optional<Double> evaluations(String base) throws IOException, InterruptedException {
        try {
            Matcher m = EVALUATIONS.matcher(get(base + "/metrics").body());
            return m.find() ? Optional.of(Double.parseDouble(m.group(1))) : Optional.empty();
        } catch (ConnectException e) {
            return Optional.empty();
        }
    }

    private HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}

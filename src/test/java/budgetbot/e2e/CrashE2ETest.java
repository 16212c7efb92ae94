package budgetbot.e2e;

import budgetbot.simulator.Simulator;
import budgetbot.simulator.SimulatorOptions;
import budgetbot.testing.TestDb;
import com.fasterxml.jackson.databind.ObjectMapper;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * {@code kill -9} of {@code run} while it is sending, then a restart on the same state: every alert arrives, soon
 * (not after the dead process's 5-minute leases), and only a message that was on the wire when it died may
 * arrive twice; on H2 also one sent within H2's write delay before it, since such a commit dies with the process.
 * Stopped with SIGTERM instead, {@code run} finishes and records what it is sending: nothing arrives twice.
 */
class CrashE2ETest {
    private static final List<String> KEYS = SimulatorOptions.syntheticKeys(5);
    private static final List<String> MODELS = List.of("deepseek-ai/DeepSeek-R1", "deepseek-ai/DeepSeek-V3-0324",
            "Qwen/Qwen3-32B", "moonshotai/Kimi-K2-Instruct");
    private static final int ALERTS = KEYS.size() * MODELS.size();
    private static final String HOOK = "/services/T0CRASH/B0CRASH/crash-webhook";
    /** How long Slack takes to answer each post: the process is killed while it waits for one. */
    private static final Duration ANSWER_DELAY = Duration.ofMillis(400);
    /** Sending, recording it and the kill are not one instant: a post this close to the kill counts as on the wire. */
    private static final Duration ON_THE_WIRE_MARGIN = Duration.ofMillis(500);
    /** H2 writes a commit to its file up to this long after it (its WRITE_DELAY); a kill -9 loses such commits. */
    private static final Duration H2_WRITE_DELAY = Duration.ofMillis(500);
    /** Well below the 5-minute lease a restart would otherwise wait out, and above a JVM start on a busy machine. */
    private static final Duration RESTART_BOUND = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** One post that reached Slack, and when. */
    record Post(Instant at, String text) {
    }

    enum Stop { KILL, TERM }

    static Stream<Arguments> stops() {
        return Stream.of(arguments(TestDb.Kind.H2, Stop.KILL), arguments(TestDb.Kind.POSTGRES, Stop.KILL),
                arguments(TestDb.Kind.H2, Stop.TERM));
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("stops")
    void aRunStoppedWhileSendingDeliversEveryAlertSoonAfterARestart(TestDb.Kind kind, Stop stop) throws Exception {
        List<Post> posts = new ArrayList<>();
        Duration lostCommits = kind == TestDb.Kind.H2 ? H2_WRITE_DELAY : Duration.ZERO;
        try (TestDb db = TestDb.create(kind, dir);
             Simulator sim = Simulator.start(SimulatorOptions.defaults().withKeys(KEYS).withModels(MODELS));
             MockWebServer slack = slowSlack(posts)) {
            Path config = Scenario.config(dir, "crash.yml", Map.of(
                    "ZONE", noonZone(), "SIM_URL", sim.baseUrl().toString(), "PUBLIC_KEY", sim.publicKey(),
                    "PRIVATE_KEY", sim.privateKey().reveal(), "STATE_URL", db.config().url(),
                    "WEBHOOK_URL", "http://127.0.0.1:" + slack.getPort() + HOOK,
                    "KEYS", String.join(", ", KEYS), "MODELS", String.join(", ", MODELS)));

            Cli.Running first = run(config);
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(50))
                    .failFast(() -> !first.isAlive())
                    .until(() -> count(posts) >= 5);
            Instant signalled = Instant.now();
            assertThat(count(posts)).as("the signal comes in the middle of sending").isLessThan(ALERTS);
            if (stop == Stop.KILL) {
                first.kill();
            } else {
                first.stop();
            }
            List<Post> beforeRestart = snapshot(posts);

            Instant restartedAt = Instant.now();
            Cli.Running second = run(config);
            try {
                await().atMost(RESTART_BOUND).pollInterval(Duration.ofMillis(100))
                        .failFast(() -> !second.isAlive())
                        .until(() -> distinct(posts) == ALERTS);
            } catch (ConditionTimeoutException e) {
                throw new AssertionError(distinct(posts) + " of " + ALERTS + " alerts after the restart; its log:\n"
                        + second.err(), e);
            }
            Duration took = Duration.between(restartedAt, Instant.now());
            // a moment longer: anything sent twice now would be counted below
            Thread.sleep(2 * ANSWER_DELAY.toMillis());
            second.stop();

            Map<String, Long> times = snapshot(posts).stream()
                    .collect(Collectors.groupingBy(Post::text, Collectors.counting()));
            // a graceful stop finishes what it sends and records it: then nothing was on the wire
            Instant window = stop == Stop.TERM ? Instant.MAX
                    : signalled.minus(ANSWER_DELAY).minus(ON_THE_WIRE_MARGIN).minus(lostCommits);
            List<String> onTheWire = beforeRestart.stream().filter(p -> p.at().isAfter(window)).map(Post::text)
                    .toList();
            assertThat(times).hasSize(ALERTS);
            assertThat(times.values()).as("no alert more than twice").allMatch(n -> n <= 2);
            assertThat(times.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey))
                    .as("sent twice: only what was on the wire at a kill (or, on H2, answered within its write"
                            + " delay before it); took %s after the restart", took)
                    .isSubsetOf(onTheWire);
            System.out.printf("crash test on %s, %s: %d alerts, %d posted before the restart, %d duplicates, all"
                    + " delivered %.1f s after the restart%n", kind, stop, ALERTS, beforeRestart.size(),
                    count(posts) - ALERTS, took.toMillis() / 1000.0);
        }
    }

    private static Cli.Running run(Path config) {
        return Cli.start(Map.of(), Set.of(), List.of(), "run", "--config", config.toString(), "--outbox-interval", "1",
                "--reload-interval", "0");
    }

    /** A webhook that records each post when it arrives and answers {@link #ANSWER_DELAY} later. */
    private static MockWebServer slowSlack(List<Post> posts) throws IOException {
        MockWebServer server = new MockWebServer();
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                if (!request.getUrl().encodedPath().equals(HOOK)) {
                    return new MockResponse.Builder().code(404).build();
                }
                try {
                    String text = JSON.readTree(request.getBody().utf8()).get("text").asText();
                    synchronized (posts) {
                        posts.add(new Post(Instant.now(), text));
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                return new MockResponse.Builder().code(200).body("ok")
                        .headersDelay(ANSWER_DELAY.toMillis(), TimeUnit.MILLISECONDS).build();
            }
        });
        server.start();
        return server;
    }

    /** An offset whose local time is near noon now: every series has used tokens today, and the day lasts. */
    private static String noonZone() {
        int hour = Instant.now().atOffset(ZoneOffset.UTC).getHour();
        return String.format("%+03d:00", 12 - hour);
    }

    private static List<Post> snapshot(List<Post> posts) {
        synchronized (posts) {
            return List.copyOf(posts);
        }
    }

    private static int count(List<Post> posts) {
        return snapshot(posts).size();
    }

    private static long distinct(List<Post> posts) {
        return snapshot(posts).stream().map(Post::text).distinct().count();
    }
}

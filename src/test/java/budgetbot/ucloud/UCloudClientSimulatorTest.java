package budgetbot.ucloud;

import budgetbot.config.Secret;
import budgetbot.config.UCloudConfig;
import budgetbot.simulator.Fault;
import budgetbot.simulator.Simulator;
import budgetbot.simulator.SimulatorOptions;
import budgetbot.testing.CapturedLogs;
import budgetbot.time.Backoff;
import budgetbot.time.Jitter;
import budgetbot.time.Sleeper;
import budgetbot.time.Window;
import budgetbot.usage.Series;
import budgetbot.usage.Usage;
import budgetbot.usage.UsageBucket;
import budgetbot.usage.UsageTotals;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The client against the simulator: both ends of the contract written independently, meeting in the middle. */
class UCloudClientSimulatorTest {
    /** Failed fetches are logged as warnings; a test that fails prints them. */
    @RegisterExtension
    final CapturedLogs capturedLogs = new CapturedLogs();

    static final Instant NOW = Instant.parse("2026-04-02T03:17:00Z");
    static final ZoneId CHINA = ZoneId.of("Asia/Shanghai");
    static final Series SERIES = new Series("uminferapikey-demo1", "Qwen/Qwen3-32B");
    /** Retries within milliseconds: the simulator's faults are retried for real. */
    static final Backoff FAST = new Backoff(Duration.ofMillis(1), Duration.ofMillis(10), Duration.ofMillis(10));
    /** March 2026 in China time. */
    static final Window MARCH = new Window(Instant.parse("2026-02-28T16:00:00Z"), Instant.parse("2026-03-31T16:00:00Z"));

    final Simulator sim = Simulator.start(SimulatorOptions.defaults(Clock.fixed(NOW, ZoneOffset.UTC)));

    @AfterEach
    void stop() {
        sim.close();
    }

    @Test
    void fetchesAMonthAsDaySlicesAndGetsExactlyWhatTheSimulatorReports() {
        try (UCloudClient client = client(sim.privateKey(), "", Duration.ofSeconds(10))) {
            Usage usage = client.fetch(SERIES, MARCH);

            assertThat(usage.totals()).isEqualTo(sim.expected(SERIES, MARCH));
            assertThat(usage.totals().totalTokens()).isPositive();
            assertThat(usage.buckets()).hasSize(31 * 24).isSortedAccordingTo(Comparator.comparing(UsageBucket::timestamp));
            assertThat(usage.buckets().stream().map(UsageBucket::totals).reduce(UsageTotals.ZERO, UsageTotals::plus))
                    .isEqualTo(usage.totals());
            assertThat(sim.requests()).hasSize(31);
        }
    }

    @Test
    void sumsHoursThatTwoSlicesShare() {
        // Kathmandu is UTC+05:45, so its midnights cut UCloud's hours in two
        try (UCloudClient client = UCloudClient.create(cfg(sim.privateKey(), "", Duration.ofSeconds(10)),
                ZoneId.of("Asia/Kathmandu"), FAST, Jitter.RANDOM, Sleeper.REAL)) {
            Window week = new Window(MARCH.start(), MARCH.start().plus(Duration.ofDays(7)));

            Usage usage = client.fetch(SERIES, week);

            assertThat(usage.totals()).isEqualTo(sim.expected(SERIES, week));
            assertThat(usage.buckets()).hasSize(7 * 24);
            assertThat(sim.requests()).hasSize(8);
        }
    }

    @ParameterizedTest
    @EnumSource(Fault.Kind.class)
    void getsThroughEveryKindOfFault(Fault.Kind kind) {
        sim.faults().enqueue(kind == Fault.Kind.SLOW ? Fault.slow(Duration.ofSeconds(3)) : Fault.of(kind), 2);
        try (UCloudClient client = client(sim.privateKey(), "", Duration.ofSeconds(1))) {
            Usage usage = client.fetch(SERIES, new Window(MARCH.start(), MARCH.start().plus(Duration.ofHours(6))));

            assertThat(usage.totals()).isEqualTo(sim.expected(SERIES, usage.window()));
            assertThat(sim.requests()).hasSize(3);
        }
    }

    @Test
    void stopsAtTheFirstAnswerWhenThePrivateKeyIsWrong() {
        Secret wrong = new Secret("ffffffffffffffffffffffffffffffffffffffff");
        try (UCloudClient client = client(wrong, "", Duration.ofSeconds(10))) {
            assertThatThrownBy(() -> client.fetch(SERIES, new Window(MARCH.start(), MARCH.start().plus(Duration.ofHours(1)))))
                    .isInstanceOfSatisfying(UCloudException.class, e -> {
                        assertThat(e.getMessage()).startsWith("UCloud rejected the signature (RetCode 171: "
                                        + "Signature VerifyAC Error): check ucloud.privateKey for public key "
                                        + sim.publicKey() + "; request id ")
                                .doesNotContain(wrong.reveal()).doesNotContain(sim.requests().get(0).get("Signature"));
                        assertThat(e.retCode()).hasValue(171);
                        assertThat(e.requestId()).isPresent();
                    });
            assertThat(sim.requests()).hasSize(1);
        }
    }

    @ParameterizedTest(name = "projectId ''{0}''")
    @ValueSource(strings = {"", "org-demo"})
    void sendsProjectIdOnlyWhenConfigured(String projectId) {
        try (UCloudClient client = client(sim.privateKey(), projectId, Duration.ofSeconds(10))) {
            client.fetch(SERIES, new Window(MARCH.start(), MARCH.start().plus(Duration.ofHours(1))));
        }

        Map<String, String> sent = sim.requests().get(0);
        assertThat(sent.containsKey("ProjectId")).isEqualTo(!projectId.isEmpty());
        assertThat(sent.keySet()).containsAll(List.of("Action", "PublicKey", "KeyId", "Model", "StartTime", "EndTime",
                "Signature"));
    }

    private UCloudClient client(Secret privateKey, String projectId, Duration timeout) {
        return UCloudClient.create(cfg(privateKey, projectId, timeout), CHINA, FAST, Jitter.RANDOM, Sleeper.REAL);
    }

    private UCloudConfig cfg(Secret privateKey, String projectId, Duration timeout) {
        return new UCloudConfig(sim.baseUrl(), sim.publicKey(), privateKey, projectId, timeout, 3, 8, Duration.ofHours(2), Duration.ofHours(1));
    }
}

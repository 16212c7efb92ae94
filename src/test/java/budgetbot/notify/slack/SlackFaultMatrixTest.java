package budgetbot.notify.slack;

import budgetbot.config.Secret;
import budgetbot.notify.Notifier;
import budgetbot.testing.DeliveryProbe;
import ch.qos.logback.classic.Level;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

/**
 * The Slack fault matrix, for the webhook and the bot: each answer Slack can give (or not give) on
 * MockWebServer, sent through the real outbox and dispatcher. A short Retry-After is waited out on the spot, a
 * long one is honoured, 5xx and a refused connection are retried after the backoff, and an error a retry cannot
 * fix ({@code invalid_auth}, {@code channel_not_found}) is kept, logged as an error and tried hourly, not hammered.
 * How each answer is classified is {@link SlackNotifierTest}'s.
 */
class SlackFaultMatrixTest {
    private static final String HOOK = "/services/T000/B000/matrix-hook";
    private static final String POST = "/api/chat.postMessage";
    private static final Duration BACKOFF = Duration.ofSeconds(30);
    private static final Duration HOURLY = Duration.ofHours(1);
    private static final MockResponse OK_HOOK = FakeSlack.status(200, "ok");
    private static final MockResponse OK_POST = FakeSlack.json("{\"ok\":true,\"channel\":\"C1\",\"ts\":\"1.2\"}");

    enum Via {
        WEBHOOK(HOOK, OK_HOOK), BOT(POST, OK_POST);

        final String path;
        final MockResponse ok;

        Via(String path, MockResponse ok) {
            this.path = path;
            this.ok = ok;
        }

        Notifier notifier(URI base) {
            return this == WEBHOOK ? SlackWebhookNotifier.create("ops", new Secret(base.resolve(HOOK).toString()))
                    : SlackBotNotifier.create("ops", new Secret("test-bot-matrix"), "#alerts", base.resolve("/api/"));
        }
    }

    @TempDir
    Path dir;
    private MockWebServer server;
    private FakeSlack slack;

    @BeforeEach
    void start() throws IOException {
        server = new MockWebServer();
        server.start();
        slack = FakeSlack.on(server);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    static Stream<Arguments> faults() {
        return Stream.of(Via.values()).flatMap(via -> Stream.of(
                argumentSet(via + ": 429 Retry-After 120", via, rateLimited(via, 120), Duration.ofSeconds(120),
                        Level.WARN, "HTTP 429"),
                argumentSet(via + ": 500", via, status(via, 500, "internal_error"), BACKOFF, Level.WARN, "HTTP 500"),
                argumentSet(via + ": 503", via, status(via, 503, "service_unavailable"), BACKOFF, Level.WARN,
                        "HTTP 503"),
                argumentSet(via + ": invalid_auth", via, refused(via, 403, "invalid_auth"), HOURLY, Level.ERROR,
                        "invalid_auth"),
                argumentSet(via + ": channel_not_found", via, refused(via, 404, "channel_not_found"), HOURLY,
                        Level.ERROR, "channel_not_found")));
    }

    @ParameterizedTest
    @MethodSource("faults")
    void eachFaultIsRetriedOrKeptAsItDeserves(Via via, MockResponse answer, Duration retryIn, Level logged,
                                              String error) {
        slack.answer(via.path, answer);

        try (DeliveryProbe probe = DeliveryProbe.open(dir, "ops", via.notifier(server.url("/").uri()))) {
            DeliveryProbe.Attempt first = probe.firstAttempt();

            assertThat(first.delivered()).isFalse();
            assertThat(first.nextIn()).contains(retryIn);
            assertThat(first.logged()).contains(logged);
            assertThat(first.error()).hasValueSatisfying(e -> assertThat(e).contains(error, "ops"));
            probe.assertTriedAgainOnlyAfter(retryIn);
            assertThat(slack.requests(via.path)).as("Slack saw each try, and only those").hasSize(2);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vias")
    void aShortRetryAfterIsWaitedOutAndTheMessageDeliveredInTheSameDrain(Via via) {
        slack.answer(via.path, rateLimited(via, 1), via.ok);

        try (DeliveryProbe probe = DeliveryProbe.open(dir, "ops", via.notifier(server.url("/").uri()))) {
            DeliveryProbe.Attempt first = probe.firstAttempt();

            assertThat(first.delivered()).isTrue();
            assertThat(first.waited()).containsExactly(Duration.ofSeconds(1));
            assertThat(slack.requests(via.path)).hasSize(2);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vias")
    void aRefusedConnectionIsRetriedAfterTheBackoff(Via via) throws IOException {
        try (DeliveryProbe probe = DeliveryProbe.open(dir, "ops", via.notifier(SlackNotifierTest.closedPort()))) {
            DeliveryProbe.Attempt first = probe.firstAttempt();

            assertThat(first.nextIn()).contains(BACKOFF);
            assertThat(first.logged()).contains(Level.WARN);
            assertThat(first.error()).hasValueSatisfying(e -> assertThat(e).contains("could not reach Slack", "ops"));
            probe.assertTriedAgainOnlyAfter(BACKOFF);
        }
    }

    static Stream<Via> vias() {
        return Stream.of(Via.values());
    }

    private static MockResponse rateLimited(Via via, int seconds) {
        return new MockResponse.Builder().code(429).addHeader("Retry-After", Integer.toString(seconds))
                .addHeader("Content-Type", "application/json")
                .body(via == Via.BOT ? "{\"ok\":false,\"error\":\"ratelimited\"}" : "rate_limited").build();
    }

    private static MockResponse status(Via via, int code, String error) {
        return new MockResponse.Builder().code(code).addHeader("Content-Type", "application/json")
                .body(via == Via.BOT ? "{\"ok\":false,\"error\":\"" + error + "\"}" : error).build();
    }

    /** The bot's Web API says it with {@code ok:false} in a 200; a webhook with a 4xx status and the error as body. */
    private static MockResponse refused(Via via, int webhookStatus, String error) {
        return via == Via.BOT ? FakeSlack.json("{\"ok\":false,\"error\":\"" + error + "\"}")
                : FakeSlack.status(webhookStatus, error);
    }
}

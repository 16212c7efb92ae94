package budgetbot.notify.slack;

import budgetbot.config.Secret;
import budgetbot.notify.DeliveryException;
import budgetbot.notify.Image;
import budgetbot.notify.Message;
import budgetbot.notify.Notifier;
import budgetbot.testing.CapturedLogs;
import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SlackNotifierTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HOOK_PATH = "/services/T000/B000/hooksecret";
    private static final String BLOCKS = "[{\"type\":\"section\",\"text\":{\"type\":\"mrkdwn\",\"text\":\"*hi* &amp; bye\"}}]";
    private static final Message MESSAGE = new Message("alert", "subject", "plain text", "slack fallback", "<p>x</p>", BLOCKS, List.of());

    @RegisterExtension
    final CapturedLogs logs = new CapturedLogs();

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

    private SlackWebhookNotifier webhook() {
        return SlackWebhookNotifier.create("ops", new Secret(server.url(HOOK_PATH).toString()));
    }

    private SlackBotNotifier bot() {
        return SlackBotNotifier.create("ops", new Secret("test-bot-test-token"), "#alerts", server.url("/api/").uri());
    }

    @Test
    void webhookPostsTextAndBlocks() throws Exception {
        slack.answer(HOOK_PATH, FakeSlack.status(200, "ok"));

        webhook().send(MESSAGE);

        RecordedRequest r = slack.requests(HOOK_PATH).get(0);
        assertThat(r.getMethod()).isEqualTo("POST");
        JsonNode body = JSON.readTree(r.getBody().utf8());
        assertThat(body.get("text").asText()).isEqualTo("slack fallback");
        assertThat(body.get("blocks")).isEqualTo(JSON.readTree(BLOCKS));
    }

    @Test
    void aMessageQueuedBeforeItHadSlackTextGoesAsBlocksAlone() throws Exception {
        // the outbox JSON of an older release: no slackText
        Message old = JSON.readValue("{\"kind\":\"alert\",\"subject\":\"s\",\"text\":\"<!here> plain\","
                + "\"html\":\"h\",\"slackBlocks\":" + JSON.writeValueAsString(BLOCKS) + ",\"images\":[]}", Message.class);
        slack.answer(HOOK_PATH, FakeSlack.status(200, "ok"));
        slack.answer("/api/chat.postMessage", FakeSlack.json("{\"ok\":true,\"channel\":\"C123\",\"ts\":\"1.2\"}"));

        webhook().send(old);
        bot().send(old);

        JsonNode hook = JSON.readTree(slack.requests(HOOK_PATH).get(0).getBody().utf8());
        assertThat(hook.has("text")).isFalse();
        assertThat(hook.get("blocks")).isEqualTo(JSON.readTree(BLOCKS));
        assertThat(form(slack.requests("/api/chat.postMessage").get(0))).doesNotContainKey("text").containsKey("blocks");
    }

    @Test
    void webhookRateLimitedIsRetryableWithRetryAfterAndTheNextSendSucceeds() throws Exception {
        slack.answer(HOOK_PATH,
                new MockResponse.Builder().code(429).addHeader("Retry-After", "7").body("rate_limited").build(),
                FakeSlack.status(200, "ok"));

        DeliveryException e = assertThrows(DeliveryException.class, () -> webhook().send(MESSAGE));
        assertThat(e.retryable()).isTrue();
        assertThat(e.retryAfter()).contains(Duration.ofSeconds(7));
        assertThat(e.getMessage()).contains("the Slack webhook of channel ops", "429");

        webhook().send(MESSAGE);
        assertThat(slack.requests(HOOK_PATH)).hasSize(2);
    }

    @ParameterizedTest(name = "HTTP {0} {1} -> retryable {2}")
    @CsvSource({
            "500, internal error,        true",
            "503, service unavailable,   true",
            "404, no_service,            false",
            "400, invalid_payload,       false",
            "403, invalid_token,         false",
            "410, channel_is_archived,   false",
    })
    void webhookFailuresAreClassifiedByStatus(int status, String body, boolean retryable) {
        slack.answer(HOOK_PATH, FakeSlack.status(status, body));

        DeliveryException e = assertThrows(DeliveryException.class, () -> webhook().send(MESSAGE));

        assertThat(e.retryable()).isEqualTo(retryable);
        assertThat(e.getMessage()).contains("HTTP " + status, body);
    }

    @Test
    void botPostsFormEncodedWithBearerToken() throws Exception {
        slack.answer("/api/chat.postMessage", FakeSlack.json("{\"ok\":true,\"channel\":\"C123\",\"ts\":\"1.2\"}"));

        bot().send(MESSAGE);

        assertThat(slack.requests()).hasSize(1);
        RecordedRequest r = slack.requests("/api/chat.postMessage").get(0);
        assertThat(r.getHeaders().get("Authorization")).isEqualTo("Bearer test-bot-test-token");
        assertThat(r.getHeaders().get("Content-Type")).startsWith("application/x-www-form-urlencoded");
        Map<String, String> form = form(r);
        assertThat(form).containsEntry("channel", "#alerts").containsEntry("text", "slack fallback");
        assertThat(JSON.readTree(form.get("blocks"))).isEqualTo(JSON.readTree(BLOCKS));
    }

    @ParameterizedTest(name = "{0} {1} -> retryable {2}")
    @CsvSource(delimiter = '|', value = {
            "200 | {\"ok\":false,\"error\":\"channel_not_found\"} | false | channel_not_found",
            "200 | {\"ok\":false,\"error\":\"invalid_auth\"}      | false | invalid_auth",
            "200 | {\"ok\":false,\"error\":\"ratelimited\"}       | true  | ratelimited",
            "500 | {\"ok\":false,\"error\":\"internal_error\"}    | true  | HTTP 500",
            "404 | not here                                     | false | HTTP 404",
    })
    void botFailuresAreClassified(int status, String body, boolean retryable, String named) {
        slack.answer("/api/chat.postMessage", new MockResponse.Builder().code(status)
                .addHeader("Content-Type", "application/json").body(body).build());

        DeliveryException e = assertThrows(DeliveryException.class, () -> bot().send(MESSAGE));

        assertThat(e.retryable()).isEqualTo(retryable);
        assertThat(e.getMessage()).contains(named, "#alerts");
    }

    @Test
    void botRateLimitedByStatusCarriesRetryAfter() {
        slack.answer("/api/chat.postMessage", new MockResponse.Builder().code(429).addHeader("Retry-After", "30")
                .addHeader("Content-Type", "application/json").body("{\"ok\":false,\"error\":\"ratelimited\"}").build());

        DeliveryException e = assertThrows(DeliveryException.class, () -> bot().send(MESSAGE));

        assertThat(e.retryable()).isTrue();
        assertThat(e.retryAfter()).contains(Duration.ofSeconds(30));
    }

    @Test
    void botUploadsImagesIntoThePostedChannel() throws Exception {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3, 4};
        slack.answer("/api/chat.postMessage", FakeSlack.json("{\"ok\":true,\"channel\":\"C123\",\"ts\":\"1.2\"}"))
                .answer("/api/files.getUploadURLExternal", FakeSlack.json("{\"ok\":true,\"upload_url\":\""
                        + server.url("/upload/F1") + "\",\"file_id\":\"F1\"}"))
                .answer("/upload/F1", FakeSlack.status(200, "OK - 8"))
                .answer("/api/files.completeUploadExternal", FakeSlack.json(
                        "{\"ok\":true,\"files\":[{\"id\":\"F1\",\"title\":\"chart.png\"}]}"));
        Message withImage = new Message("digest", "s", "t", "t", "h", BLOCKS, List.of(new Image("chart", "chart.png", png)));

        bot().send(withImage);

        assertThat(form(slack.requests("/api/files.getUploadURLExternal").get(0)))
                .containsEntry("filename", "chart.png").containsEntry("length", "8");
        assertThat(slack.requests("/upload/F1").get(0).getBody().toByteArray()).isEqualTo(png);
        Map<String, String> complete = form(slack.requests("/api/files.completeUploadExternal").get(0));
        assertThat(complete).containsEntry("channel_id", "C123");
        assertThat(JSON.readTree(complete.get("files")).get(0).get("id").asText()).isEqualTo("F1");
        List<String> order = slack.requests().stream().map(r -> r.getUrl().encodedPath()).toList();
        assertThat(order).containsExactly("/api/chat.postMessage", "/api/files.getUploadURLExternal", "/upload/F1",
                "/api/files.completeUploadExternal");
    }

    @Test
    void botImageUploadFailureDoesNotFailTheDeliveredPost() throws Exception {
        slack.answer("/api/chat.postMessage", FakeSlack.json("{\"ok\":true,\"channel\":\"C123\",\"ts\":\"1.2\"}"))
                .answer("/api/files.getUploadURLExternal", FakeSlack.json("{\"ok\":false,\"error\":\"missing_scope\"}"));
        Message withImage = new Message("digest", "s", "t", "t", "h", BLOCKS,
                List.of(new Image("chart", "chart.png", new byte[]{1})));

        bot().send(withImage);

        assertThat(slack.requests("/api/files.getUploadURLExternal")).hasSize(1);
        assertThat(slack.requests("/api/files.completeUploadExternal")).isEmpty();
        assertThat(logs.messages(Level.WARN, SlackBotNotifier.class)).singleElement().asString()
                .contains("message posted, but uploading 1 image(s) failed", "missing_scope");
    }

    @Test
    void unreachableSlackIsRetryable() throws IOException {
        URI closed = closedPort();
        Notifier hook = SlackWebhookNotifier.create("ops", new Secret(closed.resolve(HOOK_PATH).toString()));
        Notifier bot = SlackBotNotifier.create("ops", new Secret("test-bot-x"), "#alerts", closed.resolve("/api/"));

        for (Notifier n : List.of(hook, bot)) {
            assertThatThrownBy(() -> n.send(MESSAGE)).isInstanceOfSatisfying(DeliveryException.class,
                    e -> assertThat(e.retryable()).isTrue());
        }
    }

    static URI closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return URI.create("http://127.0.0.1:" + s.getLocalPort() + "/");
        }
    }

    private static Map<String, String> form(RecordedRequest r) {
        Map<String, String> form = new LinkedHashMap<>();
        for (String pair : r.getBody().utf8().split("&")) {
            int eq = pair.indexOf('=');
            form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return form;
    }
}

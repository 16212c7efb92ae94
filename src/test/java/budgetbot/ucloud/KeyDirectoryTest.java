package budgetbot.ucloud;

import budgetbot.config.Secret;
import budgetbot.config.UCloudConfig;
import budgetbot.time.Backoff;
import budgetbot.time.Jitter;
import budgetbot.usage.ApiKey;
import budgetbot.usage.KeyLimits;
import budgetbot.usage.UsageException;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.IntStream;

import static budgetbot.ucloud.UCloudClientTest.CHINA;
import static budgetbot.ucloud.UCloudClientTest.PRIVATE_KEY;
import static budgetbot.ucloud.UCloudClientTest.PUBLIC_KEY;
import static budgetbot.ucloud.UCloudClientTest.form;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

/** UCloudClient as the key directory: ListUMInferAPIKey page by page, GetUMInferAPIModel per enabled key. */
class KeyDirectoryTest {
    /** What UCloud sends as each key's secret value; it must never come out of budgetbot. */
    static final String SECRET = "test-key-secret-7f3a9c0e5b";

    final MockWebServer server = new MockWebServer();
    final List<Map<String, String>> requests = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @ParameterizedTest(name = "{0} keys, TotalCount {1}")
    @CsvSource({"0, -1", "1, -1", "99, -1", "100, -1", "130, -1", "250, 250", "100, 100", "200, 200"})
    void listsEveryPageUntilAShortOneOrTheTotal(int keys, int totalCount) {
        // disabled keys: no models to ask for, only pages
        serve(offset -> page(IntStream.range(offset, Math.min(keys, offset + UCloudKeys.PAGE_SIZE))
                .mapToObj(i -> key("uminferapikey-" + i, "0", "-1")).toList(), totalCount), keyId -> "[]");

        List<ApiKey> listed = client().apiKeys();

        assertThat(listed).extracting(ApiKey::id).containsExactlyElementsOf(IntStream.range(0, keys)
                .mapToObj(i -> "uminferapikey-" + i).toList());
        List<Map<String, String>> pages = requests.stream()
                .filter(r -> r.get("Action").equals(UCloudKeys.LIST_KEYS)).toList();
        // a full last page needs one more (empty) page, unless TotalCount says it was the last
        int expectedPages = totalCount >= 0 ? Math.max(1, (keys + 99) / 100) : keys / 100 + 1;
        assertThat(pages).hasSize(expectedPages).allSatisfy(p -> assertThat(p).containsEntry("Limit", "100"));
        assertThat(pages).extracting(p -> p.get("Offset"))
                .containsExactlyElementsOf(IntStream.range(0, expectedPages).mapToObj(i -> String.valueOf(i * 100))
                        .toList());
    }

    @Test
    void aServerThatCapsTheLimitIsPagedOnUntilTheTotalCount() {
        // 45 keys, at most 20 a page whatever Limit asks for
        serve(offset -> page(IntStream.range(offset, Math.min(45, offset + 20))
                .mapToObj(i -> key("uminferapikey-" + i, "0", "-1")).toList(), 45), keyId -> "[]");

        assertThat(client().apiKeys()).hasSize(45);
        assertThat(requests).extracting(r -> r.get("Offset")).containsExactly("0", "20", "40");
    }

    @Test
    void readsStatusExpiryAndTheModelsOfEachEnabledKey() {
        serve(offset -> page(List.of(
                key("uminferapikey-on", "1", "-1"),
                key("uminferapikey-text-status", "\"1\"", "\"1900000000\""),
                key("uminferapikey-off", "2", "-1"),
                key("uminferapikey-cut", "1", "0").replace("}", ",\"ModelverseDisabled\":true}")), -1),
                keyId -> keyId.endsWith("text-status") ? "[\"Qwen/QwQ-32B\"]"
                        : "[{\"Id\":\"m-1\",\"Name\":\"DeepSeek-R1\",\"ServedModelName\":\"deepseek-ai/DeepSeek-R1\","
                        + "\"Pricing\":{\"Prompt\":4,\"Completion\":16,\"Currency\":\"CNY\"}}]");

        List<ApiKey> listed = client().apiKeys();

        // each enabled key's models are asked for text (1) and images (2); both answers here have the same model
        // every key is listed with DailyLimitAmount "100.00" and no used amount; "cut" is cut off from ModelverseDisabled
        KeyLimits limits = new KeyLimits(new KeyLimits.Limit(new BigDecimal("100.00"), BigDecimal.ZERO),
                KeyLimits.Limit.NONE, false);
        assertThat(listed).containsExactly(
                new ApiKey("uminferapikey-on", "name of uminferapikey-on", true, Optional.empty(),
                        Optional.of(List.of("deepseek-ai/DeepSeek-R1")), limits),
                new ApiKey("uminferapikey-text-status", "name of uminferapikey-text-status", true,
                        Optional.of(Instant.ofEpochSecond(1900000000)), Optional.of(List.of("Qwen/QwQ-32B")), limits),
                new ApiKey("uminferapikey-off", "name of uminferapikey-off", false, Optional.empty(),
                        Optional.of(List.of()), limits),
                new ApiKey("uminferapikey-cut", "name of uminferapikey-cut", false, Optional.empty(),
                        Optional.of(List.of()), new KeyLimits(limits.daily(), limits.monthly(), true)));
        assertThat(requests).filteredOn(r -> r.get("Action").equals(UCloudKeys.LIST_MODELS))
                .extracting(r -> r.get("KeyId") + "/" + r.get("ModelType"))
                .containsExactly("uminferapikey-on/1", "uminferapikey-on/2", "uminferapikey-text-status/1",
                        "uminferapikey-text-status/2");
    }

    @Test
    void whenUCloudWillNotListAKeysModelsItsGrantedModelsStandIn() {
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                if (!form(request).get("Action").equals(UCloudKeys.LIST_KEYS)) {
                    return UCloudClientTest.retCode(161, "Action [GetUMInferAPIModel] not exist");
                }
                return new MockResponse.Builder().body(page(List.of(
                        key("uminferapikey-some", "1", "-1").replace("\"all\"", "\" m1, m2 \""),
                        key("uminferapikey-all", "1", "-1")), -1)).build();
            }
        });

        assertThat(client().apiKeys()).extracting(ApiKey::id, ApiKey::models).containsExactly(
                tuple("uminferapikey-some", Optional.of(List.of("m1", "m2"))),
                tuple("uminferapikey-all", Optional.empty()));
    }

    @Test
    void acceptsDataAsAnObjectKeyedById() {
        serve(offset -> "{\"RetCode\":0,\"Data\":{\"uminferapikey-a\":{\"Name\":\"a\",\"Status\":1,\"Key\":\""
                + SECRET + "\"},\"uminferapikey-b\":{\"KeyId\":\"uminferapikey-b\",\"Status\":1}}}", keyId -> "[]");

        assertThat(client().apiKeys()).extracting(ApiKey::id).containsExactly("uminferapikey-a", "uminferapikey-b");
    }

    @Test
    void neverLogsKeepsOrShowsAKeysSecretValueNotEvenOfAnAnswerItCannotRead() {
        AtomicInteger answers = new AtomicInteger();
        // the first answer is unreadable (Data is no list) and retried; the retry is logged at DEBUG
        serve(offset -> answers.getAndIncrement() == 0 ? "{\"RetCode\":0,\"Data\":\"Key " + SECRET + "\"}"
                : page(List.of(key("uminferapikey-on", "1", "-1")), -1), keyId -> "[\"m\"]");
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Level level = root.getLevel();
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        root.addAppender(logs);
        root.setLevel(Level.TRACE);
        List<ApiKey> listed;
        try {
            listed = client(1).apiKeys();
        } finally {
            root.setLevel(level);
            root.detachAppender(logs);
        }

        assertThat(listed.toString()).contains("uminferapikey-on").doesNotContain(SECRET);
        assertThat(logs.list).extracting(ILoggingEvent::getFormattedMessage)
                .anyMatch(m -> m.contains("ListUMInferAPIKey from Offset 0: attempt 1/2 failed: unreadable answer"))
                .allSatisfy(m -> assertThat(m).doesNotContain(SECRET));
    }

    @Test
    void aRejectedListingFailsWithRetCodeMessageAndRequestId() {
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                return UCloudClientTest.retCode(299, "IAM check failed");
            }
        });

        assertThatThrownBy(() -> client().apiKeys()).isInstanceOf(UsageException.class)
                .hasMessageContaining("RetCode 299: IAM check failed").hasMessageContaining("request id req-1")
                .hasMessageContaining("ListUMInferAPIKey from Offset 0");
    }

    private UCloudClient client() {
        return client(0);
    }

    private UCloudClient client(int maxRetries) {
        return UCloudClient.create(new UCloudConfig(server.url("/").uri(), PUBLIC_KEY, new Secret(PRIVATE_KEY), "",
                Duration.ofSeconds(5), maxRetries, 4, Duration.ofHours(2), Duration.ofHours(1)), CHINA, Backoff.UCLOUD,
                Jitter.NONE, d -> { });
    }

    /** Answers ListUMInferAPIKey with {@code pages} (by Offset) and GetUMInferAPIModel with {@code models} (by KeyId). */
    private void serve(Function<Integer, String> pages, Function<String, String> models) {
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                Map<String, String> form = form(request);
                requests.add(form);
                String body = form.get("Action").equals(UCloudKeys.LIST_KEYS)
                        ? pages.apply(Integer.parseInt(form.get("Offset")))
                        : "{\"RetCode\":0,\"Data\":" + models.apply(form.get("KeyId")) + "}";
                return new MockResponse.Builder().setHeader(SignedTransport.REQUEST_ID, "req-" + requests.size())
                        .body(body).build();
            }
        });
    }

    private static String page(List<String> keys, int totalCount) {
        return "{\"Action\":\"ListUMInferAPIKeyResponse\",\"RetCode\":0" + (totalCount >= 0 ? ",\"TotalCount\":"
                + totalCount : "") + ",\"Data\":[" + String.join(",", keys) + "]}";
    }

    /** A key as UCloud lists it, with its secret value and fields budgetbot ignores. */
    private static String key(String id, String status, String expireTime) {
        return "{\"KeyId\":\"" + id + "\",\"Name\":\"name of " + id + "\",\"Key\":\"" + SECRET + "\",\"Status\":"
                + status + ",\"CreateTime\":1770000000,\"ExpireTime\":" + expireTime
                + ",\"GrantedModels\":\"all\",\"DailyLimitAmount\":\"100.00\"}";
    }
}

package budgetbot.ucloud;

import budgetbot.config.Secret;
import budgetbot.config.UCloudConfig;
import budgetbot.testing.CapturedLogs;
import budgetbot.time.Backoff;
import budgetbot.time.Jitter;
import budgetbot.time.Window;
import budgetbot.usage.Series;
import budgetbot.usage.Usage;
import budgetbot.usage.UsageBucket;
import budgetbot.usage.UsageTotals;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class UCloudClientTest {
    /** Failed fetches are logged as warnings; a test that fails prints them. */
    @RegisterExtension
    final CapturedLogs capturedLogs = new CapturedLogs();

    static final String PUBLIC_KEY = "ucloud-test@example.com";
    static final String PRIVATE_KEY = "test-private-key-not-a-real-one";
    static final ZoneId CHINA = ZoneId.of("Asia/Shanghai");
    static final Series SERIES = new Series("uminferapikey-abc", "deepseek-ai/DeepSeek-R1");
    static final Window DAY = new Window(Instant.parse("2026-03-01T16:00:00Z"), Instant.parse("2026-03-02T16:00:00Z"));

    final MockWebServer server = new MockWebServer();
    final List<Duration> sleeps = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void postsASignedFormAndReadsTotalsAndBuckets() throws Exception {
        server.enqueue(ok("""
                {"Total":300,"InTotal":100,"OutTotal":200,"RequestTotal":3,"ImageGenerationNum":0,
                 "Usages":[{"Type":"in","Count":100,"Timestamp":1772380800,"Model":"m"},
                           {"Type":"out","Count":200,"Timestamp":1772380800,"Model":"m"},
                           {"Type":"total","Count":300,"Timestamp":1772380800,"Model":"m"},
                           {"Type":"request_count","Count":3,"Timestamp":1772380800,"Model":"m"}]}"""));

        Usage usage = client(cfg("", 3, 4)).fetch(SERIES, DAY);

        assertThat(usage.totals()).isEqualTo(new UsageTotals(100, 200, 300, 3, 0));
        assertThat(usage.buckets()).containsExactly(new UsageBucket(Instant.ofEpochSecond(1772380800),
                new UsageTotals(100, 200, 300, 3, 0), Map.of()));
        RecordedRequest request = server.takeRequest();
        assertThat(request.getMethod()).isEqualTo("POST");
        assertThat(request.getUrl().query()).isNull();
        assertThat(request.getUrl().encodedPath()).isEqualTo("/");
        assertThat(request.getHeaders().get("Content-Type")).startsWith("application/x-www-form-urlencoded");
        Map<String, String> form = form(request);
        assertThat(form).containsOnlyKeys("Action", "PublicKey", "KeyId", "Model", "StartTime", "EndTime",
                "Signature");
        assertThat(form).containsEntry("Action", "GetUMInferTokenUsage").containsEntry("PublicKey", PUBLIC_KEY)
                .containsEntry("KeyId", SERIES.keyId()).containsEntry("Model", SERIES.model())
                .containsEntry("StartTime", "1772380800").containsEntry("EndTime", "1772467200");
        assertThat(form.get("Signature")).isEqualTo(Signer.of(new Secret(PRIVATE_KEY)).sign(form))
                .matches("[0-9a-f]{40}");
    }

    @ParameterizedTest(name = "projectId ''{0}''")
    @ValueSource(strings = {"", "org-abc"})
    void sendsProjectIdOnlyWhenSet(String projectId) throws Exception {
        server.enqueue(ok("{}"));

        client(cfg(projectId, 0, 1)).fetch(SERIES, DAY);

        Map<String, String> form = form(server.takeRequest());
        if (projectId.isEmpty()) {
            assertThat(form).doesNotContainKey("ProjectId");
        } else {
            assertThat(form).containsEntry("ProjectId", projectId);
        }
        assertThat(form.get("Signature")).isEqualTo(Signer.of(new Secret(PRIVATE_KEY)).sign(form));
    }

    @ParameterizedTest(name = "Data {0}")
    @ValueSource(strings = {"{}", "null", "absent"})
    void emptyDataMeansZero(String data) {
        server.enqueue(new MockResponse.Builder().body(data.equals("absent")
                ? "{\"Action\":\"GetUMInferTokenUsageResponse\",\"RetCode\":0}"
                : "{\"Action\":\"GetUMInferTokenUsageResponse\",\"RetCode\":0,\"Data\":" + data + "}").build());

        Usage usage = client(cfg("", 0, 1)).fetch(SERIES, DAY);

        assertThat(usage.totals()).isEqualTo(UsageTotals.ZERO);
        assertThat(usage.buckets()).isEmpty();
    }

    @Test
    void aggregatesUsagesByTimestampAndTypeInAnyCaseAndKeepsUnknownTypes() {
        server.enqueue(ok("""
                {"Usages":[{"Type":"OUT","Count":5,"Timestamp":7200},
                           {"Type":"in","Count":1,"Timestamp":3600},
                           {"Type":"In","Count":2,"Timestamp":3600},
                           {"Type":"Request_Count","Count":1,"Timestamp":3600},
                           {"Type":"cached_in","Count":9,"Timestamp":3600},
                           {"Type":"Image_Generation","Count":4,"Timestamp":7200},
                           {"Type":"total","Count":6,"Timestamp":7200}]}"""));

        Usage usage = client(cfg("", 0, 1)).fetch(SERIES, DAY);

        assertThat(usage.buckets()).containsExactly(
                new UsageBucket(Instant.ofEpochSecond(3600), new UsageTotals(3, 0, 3, 1, 0), Map.of("cached_in", 9L)),
                new UsageBucket(Instant.ofEpochSecond(7200), new UsageTotals(0, 5, 6, 0, 4), Map.of()));
        // Total is absent but total usages exist: their sum, not in + out
        assertThat(usage.totals()).isEqualTo(new UsageTotals(3, 5, 6, 1, 4));
    }

    @Test
    void totalIsInPlusOutWhenNeitherTotalNorTotalUsagesAreReported() {
        server.enqueue(ok("{\"InTotal\":10,\"OutTotal\":20,\"Usages\":[{\"Type\":\"in\",\"Count\":99,\"Timestamp\":1}]}"));

        Usage usage = client(cfg("", 0, 1)).fetch(SERIES, DAY);

        assertThat(usage.totals()).isEqualTo(new UsageTotals(10, 20, 30, 0, 0));
    }

    static Stream<Arguments> transientFailures() {
        MockResponse http500 = new MockResponse.Builder().code(500).body("oops").build();
        return Stream.of(
                Arguments.of("HTTP 500 twice", List.of(http500, http500)),
                Arguments.of("HTTP 502, 503, 504", List.of(status(502), status(503), status(504))),
                Arguments.of("HTTP 429 with Retry-After",
                        List.of(new MockResponse.Builder().code(429).setHeader("Retry-After", "1").build())),
                Arguments.of("RetCode 153 twice", List.of(retCode(153, "rate limited"), retCode(153, "rate limited"))),
                Arguments.of("RetCodes 110, 130, 150",
                        List.of(retCode(110, ""), retCode(130, ""), retCode(150, ""))),
                Arguments.of("RetCode 2000", List.of(retCode(2000, "internal"))),
                Arguments.of("connection dropped", List.of(new MockResponse.Builder()
                        .onRequestStart(new SocketEffect.CloseSocket()).build())),
                Arguments.of("garbage body", List.of(new MockResponse.Builder().body("<html>502 Bad Gateway").build())),
                Arguments.of("JSON without RetCode", List.of(new MockResponse.Builder().body("{\"x\":1}").build())),
                Arguments.of("truncated answer", List.of(new MockResponse.Builder()
                        .body("{\"RetCode\":0,\"Data\":{\"InTotal\":1" + " ".repeat(64 * 1024) + "}}")
                        .throttleBody(1024, 0, java.util.concurrent.TimeUnit.MILLISECONDS)
                        .onResponseBody(new SocketEffect.CloseSocket(true, false, false)).build())),
                Arguments.of("stalled answer (timeout)", List.of(new MockResponse.Builder()
                        .onResponseStart(SocketEffect.Stall.INSTANCE).build())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transientFailures")
    void retriesTransientFailuresUntilSuccess(String name, List<MockResponse> failures) {
        failures.forEach(server::enqueue);
        server.enqueue(ok("{\"InTotal\":1,\"OutTotal\":2}"));
        UCloudConfig cfg = new UCloudConfig(uri(), PUBLIC_KEY, new Secret(PRIVATE_KEY), "", Duration.ofSeconds(1),
                3, 1, Duration.ofHours(2), Duration.ofHours(1));

        Usage usage = client(cfg).fetch(SERIES, DAY);

        assertThat(usage.totals()).isEqualTo(new UsageTotals(1, 2, 3, 0, 0));
        assertThat(server.getRequestCount()).isEqualTo(failures.size() + 1);
        assertThat(sleeps).hasSize(failures.size());
    }

    @Test
    void honoursRetryAfter() {
        server.enqueue(new MockResponse.Builder().code(429).setHeader("Retry-After", "7").build());
        server.enqueue(ok("{}"));

        client(cfg("", 3, 1)).fetch(SERIES, DAY);

        assertThat(sleeps).containsExactly(Duration.ofSeconds(7));
    }

    static Stream<Arguments> retryWaits() {
        return Stream.of(
                Arguments.of("HTTP 503 three times: 200 ms doubling", List.of(status(503), status(503), status(503)),
                        List.of(Duration.ofMillis(200), Duration.ofMillis(400), Duration.ofMillis(800))),
                Arguments.of("Retry-After: 3600 is waited 10 s at most", List.of(tooMany("3600")),
                        List.of(Duration.ofSeconds(10))),
                Arguments.of("Retry-After: 0 is shorter than the backoff", List.of(tooMany("0")),
                        List.of(Duration.ofMillis(200))),
                Arguments.of("Retry-After as an HTTP date is left to the backoff",
                        List.of(tooMany("Wed, 21 Oct 2026 07:28:00 GMT")), List.of(Duration.ofMillis(200))));
    }

    /** The client's jitter is {@link Jitter#NONE} here, so each wait is the backoff's ceiling. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("retryWaits")
    void retriesWaitTheBackoffOrTheServersRetryAfterUpToTenSeconds(String name, List<MockResponse> failures,
                                                                    List<Duration> waits) {
        failures.forEach(server::enqueue);
        server.enqueue(ok("{}"));

        client(cfg("", 3, 1)).fetch(SERIES, DAY);

        assertThat(sleeps).containsExactlyElementsOf(waits);
    }

    static Stream<Arguments> permanentFailures() {
        return Stream.of(
                Arguments.of(retCode(171, "Signature VerifyAC Error"), 171,
                        "UCloud rejected the signature (RetCode 171: Signature VerifyAC Error): check ucloud.privateKey "
                                + "for public key " + PUBLIC_KEY + "; request id req-1 (GetUMInferTokenUsage for "
                                + SERIES + ", " + DAY + ", 1 attempt)"),
                Arguments.of(retCode(292, "Project not exists"), 292,
                        "UCloud does not know the project (RetCode 292: Project not exists): check ucloud.projectId 'org-x'"),
                Arguments.of(retCode(172, "User not exists"), 172, "check ucloud.publicKey " + PUBLIC_KEY),
                Arguments.of(retCode(174, "Token not exists"), 174, "check ucloud.publicKey " + PUBLIC_KEY),

                Arguments.of(retCode(294, "IP denied"), 294, "denied this machine's IP address"),
                Arguments.of(retCode(299, "IAM"), 299, "IAM check failed"),
                Arguments.of(retCode(160, "Missing Action"), 160, "UCloud answered (RetCode 160: Missing Action)"),
                Arguments.of(retCode(230, "Params [KeyId] not available"), 230, "RetCode 230"),
                Arguments.of(new MockResponse.Builder().code(403).setHeader(SignedTransport.REQUEST_ID, "req-1").build(),
                        -1, "UCloud answered HTTP 403"));
    }

    @ParameterizedTest(name = "{1}: {2}")
    @MethodSource("permanentFailures")
    void failsAfterOneRequestWhenRetryingCannotHelp(MockResponse answer, int retCode, String message) throws Exception {
        server.enqueue(answer);
        server.enqueue(ok("{}"));
        ListAppender<ILoggingEvent> logs = captureLogs();

        assertThatThrownBy(() -> client(cfg("org-x", 3, 1)).fetch(SERIES, DAY))
                .isInstanceOfSatisfying(UCloudException.class, e -> {
                    assertThat(e.getMessage()).contains(message).contains("request id req-1")
                            .doesNotContain(PRIVATE_KEY);
                    assertThat(e.attempts()).isEqualTo(1);
                    assertThat(e.requestId()).contains("req-1");
                    if (retCode > 0) {
                        assertThat(e.retCode()).hasValue(retCode);
                    } else {
                        assertThat(e.retCode()).isEmpty();
                    }
                });
        assertThat(server.getRequestCount()).isEqualTo(1);
        String signature = form(server.takeRequest()).get("Signature");
        assertThat(logs.list).singleElement().satisfies(event -> assertThat(event.getFormattedMessage())
                .startsWith("GetUMInferTokenUsage failed for KeyId " + SERIES.keyId() + ", Model " + SERIES.model())
                .contains(retCode > 0 ? "RetCode " + retCode : "HTTP 403").endsWith("; request id req-1, 1 attempt")
                .doesNotContain(PRIVATE_KEY).doesNotContain(signature));
    }

    @Test
    void anOversizedAnswerIsRefusedWithoutReadingItWhole() {
        server.enqueue(new MockResponse.Builder().setHeader(SignedTransport.REQUEST_ID, "req-1")
                .body("{\"RetCode\":0,\"Data\":{}}" + " ".repeat((int) SignedTransport.MAX_BODY)).build());

        assertThatThrownBy(() -> client(cfg("", 3, 1)).fetch(SERIES, DAY)).isInstanceOf(UCloudException.class)
                .hasMessageContaining("the answer is larger than 16 MiB, not an answer from UCloud")
                .hasMessageContaining("request id req-1");
        assertThat(server.getRequestCount()).as("not retried").isEqualTo(1);
    }

    @Test
    void givesUpAfterMaxRetriesAndSaysSo() {
        for (int i = 0; i < 3; i++) {
            server.enqueue(status(503).newBuilder().setHeader(SignedTransport.REQUEST_ID, "req-" + i).build());
        }

        assertThatThrownBy(() -> client(cfg("", 2, 1)).fetch(SERIES, DAY))
                .isInstanceOfSatisfying(UCloudException.class, e -> {
                    assertThat(e.getMessage()).startsWith("UCloud still failing after 3 attempts: HTTP 503; request id req-2");
                    assertThat(e.attempts()).isEqualTo(3);
                    assertThat(e.requestId()).contains("req-2");
                });
        assertThat(server.getRequestCount()).isEqualTo(3);
        assertThat(sleeps).hasSize(2);
    }

    static Stream<Arguments> monthWindows() {
        Instant midnight = LocalDate.of(2026, 3, 1).atStartOfDay(CHINA).toInstant();
        return Stream.of(
                Arguments.of("aligned at midnight", new Window(midnight, midnight.plus(Duration.ofDays(31))), 31),
                Arguments.of("starting at 09:30", new Window(midnight.plus(Duration.ofMinutes(570)),
                        midnight.plus(Duration.ofDays(31)).plus(Duration.ofMinutes(570))), 32));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("monthWindows")
    void fetchesA31DayWindowAsDaySlicesThatTileItAndSumsThem(String name, Window window, int slices) throws Exception {
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger maxInFlight = new AtomicInteger();
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
                maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                Thread.sleep(5);
                inFlight.decrementAndGet();
                // every slice reports the same timestamp, so the merged bucket must hold all of them
                return ok("{\"InTotal\":1,\"OutTotal\":2,\"RequestTotal\":1,"
                        + "\"Usages\":[{\"Type\":\"in\",\"Count\":1,\"Timestamp\":1000}]}");
            }
        });

        Usage usage = client(cfg("", 0, 3)).fetch(SERIES, window);

        List<long[]> ranges = new ArrayList<>();
        for (int i = 0; i < slices; i++) {
            Map<String, String> form = form(server.takeRequest());
            ranges.add(new long[]{Long.parseLong(form.get("StartTime")), Long.parseLong(form.get("EndTime"))});
        }
        assertThat(server.getRequestCount()).isEqualTo(slices);
        ranges.sort(Comparator.comparingLong(r -> r[0]));
        assertThat(ranges.get(0)[0]).isEqualTo(window.start().getEpochSecond());
        assertThat(ranges.get(slices - 1)[1]).isEqualTo(window.end().getEpochSecond());
        for (int i = 1; i < slices; i++) {
            assertThat(ranges.get(i)[0]).isEqualTo(ranges.get(i - 1)[1]);
            assertThat(Instant.ofEpochSecond(ranges.get(i)[0]).atZone(CHINA).toLocalTime()).hasToString("00:00");
        }
        assertThat(usage.totals()).isEqualTo(new UsageTotals(slices, 2L * slices, 3L * slices, slices, 0));
        assertThat(usage.buckets()).containsExactly(new UsageBucket(Instant.ofEpochSecond(1000),
                new UsageTotals(slices, 0, slices, 0, 0), Map.of()));
        assertThat(usage.window()).isEqualTo(window);
        assertThat(maxInFlight.get()).isBetween(1, 3);
    }

    @Test
    void failsTheWholeWindowWhenOneSliceFailsForGood() {
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                return form(request).get("StartTime").equals(Long.toString(DAY.end().getEpochSecond()))
                        ? retCode(171, "Signature VerifyAC Error") : ok("{}");
            }
        });

        assertThatThrownBy(() -> client(cfg("", 0, 2)).fetch(SERIES,
                new Window(DAY.start(), DAY.end().plus(Duration.ofDays(2)))))
                .isInstanceOf(UCloudException.class).hasMessageContaining("RetCode 171");
    }

    @Test
    void neverHasMoreRequestsInFlightThanMaxConcurrencyAcrossCallersAndSlices() throws Exception {
        int max = 3;
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger maxInFlight = new AtomicInteger();
        Semaphore answers = new Semaphore(0);
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
                maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                answers.acquire();
                inFlight.decrementAndGet();
                return ok("{\"InTotal\":1}");
            }
        });
        // eight callers with one-request windows and two with 5-day windows: without a shared limit, up to
        // eight callers plus the slice pool's threads would be in flight at once
        List<Window> windows = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            windows.add(DAY);
        }
        windows.add(new Window(DAY.start(), DAY.start().plus(Duration.ofDays(5))));
        windows.add(new Window(DAY.start(), DAY.start().plus(Duration.ofDays(5))));
        int requests = 8 + 2 * 5;
        ExecutorService callers = Executors.newFixedThreadPool(windows.size());
        try (UCloudClient client = client(cfg("", 0, max))) {
            List<Future<Usage>> usages = new ArrayList<>();
            for (int i = 0; i < windows.size(); i++) {
                Series series = new Series("uminferapikey-" + i, SERIES.model());
                Window window = windows.get(i);
                usages.add(callers.submit(() -> client.fetch(series, window)));
            }

            // answer one request at a time, each time only once as many as allowed are waiting at the server
            for (int answered = 0; answered < requests; answered++) {
                int expected = Math.min(max, requests - answered);
                await().atMost(Duration.ofSeconds(20)).until(() -> inFlight.get() >= expected);
                answers.release();
            }

            for (Future<Usage> usage : usages) {
                assertThat(usage.get().totals().inputTokens()).isPositive();
            }
            assertThat(server.getRequestCount()).isEqualTo(requests);
            assertThat(maxInFlight.get()).isEqualTo(max);
            assertThat(client.limit().inFlight()).isZero();
        } finally {
            answers.release(1000);
            callers.shutdownNow();
        }
    }

    static Stream<Arguments> limitAfterOneFailure() {
        return Stream.of(
                Arguments.of("RetCode 153 halves it", retCode(153, "Request rate limit exceeded"), 2),
                Arguments.of("HTTP 429 halves it", new MockResponse.Builder().code(429).build(), 2),
                Arguments.of("HTTP 503 leaves it", status(503), 4),
                Arguments.of("RetCode 110 leaves it", retCode(110, "API timeout"), 4),
                Arguments.of("a dropped connection leaves it", new MockResponse.Builder()
                        .onRequestStart(new SocketEffect.CloseSocket()).build(), 4));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("limitAfterOneFailure")
    void aRateLimitHalvesTheLimitAndSuccessesGrowItBackToMax(String name, MockResponse failure, int cut) {
        server.enqueue(failure);
        for (int i = 0; i < 10; i++) {
            server.enqueue(ok("{}"));
        }
        boolean halved = cut < 4;
        try (UCloudClient client = client(cfg("", 3, 4))) {
            client.fetch(SERIES, DAY);
            // the retry succeeded: one success at the new limit so far
            assertThat(client.limit().limit()).isEqualTo(cut);

            fetchTimes(client, 1);
            assertThat(client.limit().limit()).as("after 2 successes at 2").isEqualTo(halved ? 3 : 4);
            fetchTimes(client, 2);
            assertThat(client.limit().limit()).as("after 2 successes at 3").isEqualTo(halved ? 3 : 4);
            fetchTimes(client, 1);
            assertThat(client.limit().limit()).as("after 3 successes at 3").isEqualTo(4);
            fetchTimes(client, 3);
            assertThat(client.limit().limit()).as("never beyond max").isEqualTo(4);
        }
        assertThat(server.getRequestCount()).isEqualTo(2 + 1 + 2 + 1 + 3);
    }

    private static void fetchTimes(UCloudClient client, int times) {
        for (int i = 0; i < times; i++) {
            client.fetch(SERIES, DAY);
        }
    }

    @Test
    void waitingOutARetryBackoffHoldsNoRequestSlot() {
        server.enqueue(status(503));
        server.enqueue(retCode(153, "rate limited"));
        server.enqueue(ok("{}"));
        List<Integer> inFlightWhileWaiting = new CopyOnWriteArrayList<>();
        AtomicReference<UCloudClient> client = new AtomicReference<>();
        client.set(UCloudClient.create(cfg("", 3, 1), CHINA, Backoff.UCLOUD, Jitter.NONE,
                d -> inFlightWhileWaiting.add(client.get().limit().inFlight())));

        try (UCloudClient c = client.get()) {
            c.fetch(SERIES, DAY);
        }

        assertThat(inFlightWhileWaiting).containsExactly(0, 0);
    }

    @Test
    void aFailingFetchLogsOneWarningForTheSeriesNotOnePerSliceOrAttempt() {
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                return retCode(153, "Request rate limit exceeded");
            }
        });
        Logger logger = (Logger) LoggerFactory.getLogger(UCloudClient.class);
        Level level = logger.getLevel();
        logger.setLevel(Level.DEBUG);
        ListAppender<ILoggingEvent> logs = captureLogs();
        Window month = new Window(DAY.start(), DAY.start().plus(Duration.ofDays(31)));
        try (UCloudClient client = client(cfg("", 2, 4))) {
            assertThatThrownBy(() -> client.fetch(SERIES, month)).isInstanceOfSatisfying(UCloudException.class,
                    e -> assertThat(e.retCode()).hasValue(153));
        } finally {
            logger.setLevel(level);
            logger.detachAppender(logs);
        }

        List<String> warnings = logs.list.stream().filter(e -> e.getLevel() == Level.WARN)
                .map(ILoggingEvent::getFormattedMessage).toList();
        assertThat(warnings).singleElement().satisfies(w -> assertThat(w)
                .startsWith("GetUMInferTokenUsage failed for KeyId " + SERIES.keyId() + ", Model " + SERIES.model()
                        + ", " + month + " (day slice ")
                .contains("RetCode 153: Request rate limit exceeded").endsWith("; request id req-1, 3 attempts")
                .doesNotContain(PRIVATE_KEY));
        assertThat(logs.list).filteredOn(e -> e.getLevel() == Level.DEBUG)
                .extracting(ILoggingEvent::getFormattedMessage).anyMatch(m -> m.contains("attempt 1/3 failed"))
                .allSatisfy(m -> assertThat(m).doesNotContain(PRIVATE_KEY));
        assertThat(server.getRequestCount()).isGreaterThanOrEqualTo(3);
    }

    @Test
    void anEmptyWindowNeedsNoRequest() {
        Usage usage = client(cfg("", 0, 1)).fetch(SERIES, new Window(DAY.start(), DAY.start()));

        assertThat(usage).isEqualTo(Usage.none(SERIES, new Window(DAY.start(), DAY.start())));
        assertThat(server.getRequestCount()).isZero();
    }

    static Stream<Arguments> invalidConfigs() {
        return Stream.of(
                Arguments.of(-1, 1, "ucloud.maxRetries < 0: -1"),
                Arguments.of(0, 0, "ucloud.maxConcurrency < 1: 0"));
    }

    @ParameterizedTest(name = "{2}")
    @MethodSource("invalidConfigs")
    void refusesImpossibleSettings(int maxRetries, int maxConcurrency, String message) {
        assertThatThrownBy(() -> UCloudClient.create(cfg("", maxRetries, maxConcurrency), CHINA))
                .isInstanceOf(IllegalArgumentException.class).hasMessage(message);
    }

    private UCloudClient client(UCloudConfig cfg) {
        return UCloudClient.create(cfg, CHINA, Backoff.UCLOUD, Jitter.NONE, sleeps::add);
    }

    private UCloudConfig cfg(String projectId, int maxRetries, int maxConcurrency) {
        return new UCloudConfig(uri(), PUBLIC_KEY, new Secret(PRIVATE_KEY), projectId, Duration.ofSeconds(10),
                maxRetries, maxConcurrency, Duration.ofHours(2), Duration.ofHours(1));
    }

    private URI uri() {
        return server.url("/").uri();
    }

    private static ListAppender<ILoggingEvent> captureLogs() {
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        ((Logger) LoggerFactory.getLogger(UCloudClient.class)).addAppender(appender);
        return appender;
    }

    static MockResponse ok(String data) {
        return new MockResponse.Builder().setHeader(SignedTransport.REQUEST_ID, "req-ok")
                .body("{\"Action\":\"GetUMInferTokenUsageResponse\",\"RetCode\":0,\"Data\":" + data + "}").build();
    }

    static MockResponse retCode(int code, String message) {
        return new MockResponse.Builder().setHeader(SignedTransport.REQUEST_ID, "req-1")
                .body("{\"Action\":\"GetUMInferTokenUsageResponse\",\"RetCode\":" + code + ",\"Message\":\""
                        + message + "\"}").build();
    }

    static MockResponse status(int code) {
        return new MockResponse.Builder().code(code).body("status " + code).build();
    }

    /** HTTP 429 with {@code Retry-After: retryAfter}. */
    static MockResponse tooMany(String retryAfter) {
        return new MockResponse.Builder().code(429).setHeader("Retry-After", retryAfter).build();
    }

    static Map<String, String> form(RecordedRequest request) {
        Map<String, String> params = new LinkedHashMap<>();
        for (String pair : request.getBody().utf8().split("&")) {
            int eq = pair.indexOf('=');
            params.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return params;
    }
}

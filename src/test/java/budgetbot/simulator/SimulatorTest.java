package budgetbot.simulator;

import budgetbot.config.Secret;
import budgetbot.time.Window;
import budgetbot.ucloud.Signer;
import budgetbot.usage.Series;
import budgetbot.usage.UsageTotals;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SimulatorTest {
    static final Instant NOW = Instant.parse("2026-03-20T10:30:00Z");
    static final Series K1_M1 = new Series("k1", "m1");
    static final Window DAY = new Window(Instant.parse("2026-03-18T16:00:00Z"), Instant.parse("2026-03-19T16:00:00Z"));
    static final SimulatorOptions OPTS = new SimulatorOptions(0, 7, List.of("k1", "k2"), List.of("m1", "m2"),
            Optional.empty(), Clock.fixed(NOW, ZoneOffset.UTC));
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    Simulator sim = Simulator.start(OPTS);

    @AfterEach
    void stop() {
        sim.close();
    }

    @Test
    void answersASignedRequestWithTheExpectedTotals() throws Exception {
        Reply reply = call(usageParams(K1_M1, DAY));

        UsageTotals expected = sim.expected(K1_M1, DAY);
        assertThat(expected.totalTokens()).isPositive();
        assertThat(reply.status).isEqualTo(200);
        assertThat(reply.requestId).isNotBlank();
        assertThat(reply.json.get("Action").asText()).isEqualTo("GetUMInferTokenUsageResponse");
        assertThat(reply.json.get("RetCode").asInt()).isZero();
        assertThat(totals(reply.json.get("Data"))).isEqualTo(expected);
        assertThat(sim.requests()).hasSize(1);
        assertThat(sim.requests().get(0)).containsEntry("KeyId", "k1").containsEntry("Model", "m1");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"GET query", "POST form", "POST JSON", "POST form with Action also in the query"})
    void acceptsEveryWayUCloudTakesParameters(String transport) throws Exception {
        Map<String, Object> params = signed(usageParams(K1_M1, DAY), sim.privateKey());
        String form = form(params);
        URI base = sim.baseUrl();
        HttpRequest request = switch (transport) {
            case "GET query" -> HttpRequest.newBuilder(URI.create(base + "?" + form)).GET().build();
            case "POST form" -> post(base, "application/x-www-form-urlencoded", form);
            case "POST JSON" -> post(base, "application/json", JSON.writeValueAsString(params));
            default -> post(URI.create(base + "?Action=GetUMInferTokenUsage"), "application/x-www-form-urlencoded", form);
        };

        Reply reply = send(request);

        assertThat(reply.json.get("RetCode").asInt()).isZero();
        assertThat(totals(reply.json.get("Data"))).isEqualTo(sim.expected(K1_M1, DAY));
    }

    @Test
    void checksJsonNumbersTheWaySignerWritesThem() throws Exception {
        Map<String, Object> params = new LinkedHashMap<>(usageParams(K1_M1, DAY));
        params.put("StartTime", DAY.start().getEpochSecond() * 1.0);
        Map<String, Object> signedParams = signed(params, sim.privateKey());

        Reply reply = send(post(sim.baseUrl(), "application/json", JSON.writeValueAsString(signedParams)));

        assertThat(reply.json.get("RetCode").asInt()).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"POST form, signed with it", "POST form, signed without it", "POST JSON, signed with it",
            "POST JSON, signed without it", "GET query, signed with it"})
    void acceptsAnEmptyProjectIdSignedOrNot(String transport, String signing) throws Exception {
        // the official Java SDK sends ProjectId="" and signs "ProjectId" with an empty value; UCloud accepts that,
        // and also an empty ProjectId left out of the signature as budgetbot's Signer leaves it out
        Map<String, Object> params = new LinkedHashMap<>(usageParams(K1_M1, DAY));
        params.put("ProjectId", "");
        params.put("PublicKey", sim.publicKey());
        params.put("Signature", signing.endsWith("with it") ? signKeepingEmpty(params, sim.privateKey())
                : Signer.of(sim.privateKey()).sign(params));

        Reply reply = send(switch (transport) {
            case "POST form" -> post(sim.baseUrl(), "application/x-www-form-urlencoded", form(params));
            case "POST JSON" -> post(sim.baseUrl(), "application/json", JSON.writeValueAsString(params));
            default -> HttpRequest.newBuilder(URI.create(sim.baseUrl() + "?" + form(params))).GET().build();
        });

        assertThat(reply.json.get("RetCode").asInt()).isZero();
        assertThat(totals(reply.json.get("Data"))).isEqualTo(sim.expected(K1_M1, DAY));
        assertThat(sim.requests().get(0)).containsEntry("ProjectId", "");
    }

    @Test
    void anEmptyProjectIdDoesNotOpenTheDoorToOtherSignatures() throws Exception {
        Map<String, Object> params = new LinkedHashMap<>(usageParams(K1_M1, DAY));
        params.put("ProjectId", "");
        params.put("PublicKey", sim.publicKey());
        params.put("Signature", signKeepingEmpty(params, new Secret("0000000000000000000000000000000000000000")));
        Map<String, Object> tampered = new LinkedHashMap<>(params);
        tampered.put("Signature", signKeepingEmpty(params, sim.privateKey()));
        tampered.put("KeyId", "k2");

        for (Map<String, Object> p : List.of(params, tampered)) {
            Reply reply = send(post(sim.baseUrl(), "application/x-www-form-urlencoded", form(p)));
            assertThat(reply.json.get("RetCode").asInt()).isEqualTo(171);
        }
    }

    @Test
    void countsWhatItServes() throws Exception {
        Reply known = call(usageParams(K1_M1, DAY));
        call(usageParams(new Series("k9", "m1"), DAY));
        call(Map.of("Action", "ListUMInferAPIKey"));
        SimulatorStats stats = sim.stats();

        assertThat(stats.requests()).isEqualTo(3);
        assertThat(stats.tokenUsage()).isEqualTo(2);
        assertThat(stats.emptyAnswers()).isEqualTo(1);
        assertThat(stats.bytesOut()).isGreaterThan(known.body.length());
        assertThat(stats.bytesIn()).isGreaterThan(3 * 40);

        HttpResponse<String> json = HTTP.send(HttpRequest.newBuilder(URI.create(sim.baseUrl() + "_sim/stats")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(JSON.readValue(json.body(), SimulatorStats.class)).isEqualTo(stats);
        assertThat(sim.stats()).as("reading the stats is not counted").isEqualTo(stats);
        assertThat(sim.stats().minus(stats)).isEqualTo(new SimulatorStats(0, 0, 0, 0, 0));
    }

    @Test
    void servesManySyntheticKeysAndLongerWindowsWhenAsked() throws Exception {
        List<String> keys = SimulatorOptions.syntheticKeys(2500);
        assertThat(keys).hasSize(2500).doesNotHaveDuplicates().startsWith("uminferapikey-sim-00001")
                .endsWith("uminferapikey-sim-02500");
        Window month = new Window(DAY.start().minus(Duration.ofDays(27)), DAY.end());
        try (Simulator many = Simulator.start(OPTS.withKeys(keys).withMaxWindow(Duration.ofDays(31)))) {
            sim.close();
            sim = many;
            Series last = new Series("uminferapikey-sim-02500", "m2");

            Reply reply = call(usageParams(last, month));

            assertThat(reply.json.get("RetCode").asInt()).isZero();
            assertThat(totals(reply.json.get("Data"))).isEqualTo(many.expected(last, month));
            assertThat(many.expected(last, month).totalTokens()).isPositive();
        }
        assertThatThrownBy(() -> SimulatorOptions.syntheticKeys(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> OPTS.withMaxWindow(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void answersWithoutWaitingForDelayedAcks() {
        // the JDK server sends headers and body in two writes; with Nagle's algorithm each answer waited ~40 ms
        assertThat(System.getProperty("sun.net.httpserver.nodelay")).isEqualTo("true");
    }

    static Stream<Arguments> rejections() {
        return Stream.of(
                Arguments.of("no Signature", 170, "Missing signature"),
                Arguments.of("wrong private key", 171, "Signature VerifyAC Error"),
                Arguments.of("tampered after signing", 171, "Signature VerifyAC Error"),
                Arguments.of("unknown PublicKey", 172, "User not exists"),
                Arguments.of("no Action", 160, "Missing Action"),
                Arguments.of("unknown Action", 161, "Action [DescribeUHostInstance] not exist"),
                Arguments.of("no KeyId", 230, "Missing params [KeyId]"),
                Arguments.of("EndTime before StartTime", 230, "Params [EndTime] not available: before StartTime"),
                Arguments.of("window of 11 days", 110, "API timeout"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("rejections")
    void rejectsLikeUCloud(String scenario, int retCode, String message) throws Exception {
        Map<String, Object> params = new HashMap<>(usageParams(K1_M1, DAY));
        Secret key = sim.privateKey();
        switch (scenario) {
            case "wrong private key" -> key = new Secret("0000000000000000000000000000000000000000");
            case "unknown PublicKey" -> params.put("PublicKey", "someone-else");
            case "no Action" -> params.remove("Action");
            case "unknown Action" -> params.put("Action", "DescribeUHostInstance");
            case "no KeyId" -> params.remove("KeyId");
            case "EndTime before StartTime" -> params.put("EndTime", DAY.start().getEpochSecond() - 1);
            case "window of 11 days" -> params.put("EndTime", DAY.start().plus(Duration.ofDays(11)).getEpochSecond());
            default -> {
            }
        }
        Map<String, Object> sent = signed(params, key);
        if (scenario.equals("no Signature")) {
            sent.remove("Signature");
        } else if (scenario.equals("tampered after signing")) {
            sent.put("KeyId", "k2");
        }

        Reply reply = send(post(sim.baseUrl(), "application/x-www-form-urlencoded", form(sent)));

        assertThat(reply.status).isEqualTo(200);
        assertThat(reply.requestId).isNotBlank();
        assertThat(reply.json.get("RetCode").asInt()).isEqualTo(retCode);
        assertThat(reply.json.get("Message").asText()).isEqualTo(message);
        assertThat(reply.json.get("Action").asText()).endsWith("Response");
        assertThat(reply.json.has("Data")).isFalse();
    }

    @Test
    void acceptsATenDayWindow() throws Exception {
        Window tenDays = new Window(DAY.start().minus(Duration.ofDays(9)), DAY.end());

        Reply reply = call(usageParams(K1_M1, tenDays));

        assertThat(reply.json.get("RetCode").asInt()).isZero();
        assertThat(totals(reply.json.get("Data"))).isEqualTo(sim.expected(K1_M1, tenDays));
    }

    @ParameterizedTest(name = "cut at {0}")
    @ValueSource(strings = {"2026-03-19T00:00:00Z", "2026-03-19T05:30:00Z", "2026-03-19T05:00:01Z",
            "2026-03-18T16:00:00Z"})
    void totalsAreAdditiveAcrossAdjacentWindows(Instant cut) throws Exception {
        UsageTotals whole = totals(call(usageParams(K1_M1, DAY)).json.get("Data"));
        UsageTotals first = totals(call(usageParams(K1_M1, new Window(DAY.start(), cut))).json.get("Data"));
        UsageTotals second = totals(call(usageParams(K1_M1, new Window(cut, DAY.end()))).json.get("Data"));

        assertThat(first.plus(second)).isEqualTo(whole).isEqualTo(sim.expected(K1_M1, DAY));
    }

    @Test
    void usagesArePerHourAndSumToTheTotals() throws Exception {
        JsonNode data = call(usageParams(K1_M1, DAY)).json.get("Data");

        Map<String, Long> byType = new HashMap<>();
        Map<Long, Integer> entriesPerHour = new LinkedHashMap<>();
        for (JsonNode u : data.get("Usages")) {
            byType.merge(u.get("Type").asText(), u.get("Count").asLong(), Long::sum);
            entriesPerHour.merge(u.get("Timestamp").asLong(), 1, Integer::sum);
            assertThat(u.get("Model").asText()).isEqualTo("m1");
        }
        assertThat(new UsageTotals(byType.get("in"), byType.get("out"), byType.get("total"),
                byType.get("request_count"), byType.get("image_generation"))).isEqualTo(totals(data));
        assertThat(entriesPerHour).hasSize(24).allSatisfy((ts, n) -> {
            assertThat(ts % 3600).isZero();
            assertThat(n).isEqualTo(5);
        });
        assertThat(List.copyOf(entriesPerHour.keySet())).isSorted().first().isEqualTo(DAY.start().getEpochSecond());
    }

    @Test
    void aPartialHourGetsItsShareRoundedDown() {
        Instant hour = Instant.parse("2026-03-19T06:00:00Z");
        UsageTotals full = sim.expected(K1_M1, new Window(hour, hour.plus(Duration.ofHours(1))));
        UsageTotals quarter = sim.expected(K1_M1, new Window(hour, hour.plus(Duration.ofMinutes(15))));

        assertThat(quarter).isEqualTo(new UsageTotals(full.inputTokens() / 4, full.outputTokens() / 4,
                full.totalTokens() / 4, full.requests() / 4, full.images() / 4));
    }

    @Test
    void aWeeklyRhythmHasQuietWeekendsASlowMondayMorningAndLittleNoise() {
        try (Simulator weekly = Simulator.start(OPTS.withRhythm(Rhythm.WEEKLY))) {
            // Monday 23 February to Sunday 1 March 2026, China time
            Instant monday = Instant.parse("2026-02-22T16:00:00Z");
            long[] perDay = new long[7];
            long mondayMorning = 0;
            long tuesdayMorning = 0;
            for (int h = 0; h < 7 * 24; h++) {
                Instant hour = monday.plus(Duration.ofHours(h));
                long tokens = weekly.expected(K1_M1, new Window(hour, hour.plus(Duration.ofHours(1)))).totalTokens();
                perDay[h / 24] += tokens;
                mondayMorning += h < 12 ? tokens : 0;
                tuesdayMorning += h >= 24 && h < 36 ? tokens : 0;
                // the same hour a week later differs by the noise alone: at most 0.9 to 1.1
                Instant weekLater = hour.plus(Duration.ofDays(7));
                long then = weekly.expected(K1_M1, new Window(weekLater, weekLater.plus(Duration.ofHours(1))))
                        .totalTokens();
                assertThat((double) then / tokens).as("hour %s", hour).isBetween(0.9 / 1.1 - 0.01, 1.1 / 0.9 + 0.01);
            }
            for (int weekday = 1; weekday < 5; weekday++) {
                assertThat(perDay[5]).as("Saturday against weekday %s", weekday).isLessThan(perDay[weekday] / 2);
                assertThat(perDay[6]).as("Sunday against weekday %s", weekday).isLessThan(perDay[weekday] / 2);
            }
            assertThat(mondayMorning).isLessThan(tuesdayMorning * 85 / 100);
        }
    }

    @Test
    void reportsNothingAfterItsNow() {
        Window beforeNow = new Window(NOW.minus(Duration.ofHours(5)), NOW);

        assertThat(sim.expected(K1_M1, new Window(NOW, NOW.plus(Duration.ofDays(1))))).isEqualTo(UsageTotals.ZERO);
        assertThat(sim.expected(K1_M1, new Window(beforeNow.start(), NOW.plus(Duration.ofHours(5)))))
                .isEqualTo(sim.expected(K1_M1, beforeNow));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"k3, m1", "k1, m3"})
    void answersEmptyDataForUnknownKeysAndModels(String key, String model) throws Exception {
        Series unknown = new Series(key, model);

        Reply reply = call(usageParams(unknown, DAY));

        assertThat(reply.json.get("RetCode").asInt()).isZero();
        assertThat(reply.json.get("Data")).isEqualTo(JSON.createObjectNode());
        assertThat(sim.expected(unknown, DAY)).isEqualTo(UsageTotals.ZERO);
    }

    @Test
    void isDeterministicPerSeed() {
        try (Simulator same = Simulator.start(OPTS); Simulator other = Simulator.start(OPTS.withSeed(8))) {
            assertThat(same.expected(K1_M1, DAY)).isEqualTo(sim.expected(K1_M1, DAY));
            assertThat(same.privateKey()).isEqualTo(sim.privateKey());
            assertThat(other.expected(K1_M1, DAY)).isNotEqualTo(sim.expected(K1_M1, DAY));
            assertThat(other.privateKey()).isNotEqualTo(sim.privateKey());
        }
    }

    @Test
    void usesMoreInTheChineseAfternoonThanAtNight() {
        Series series = new Series("k2", "m2");
        long afternoons = 0;
        long nights = 0;
        for (int day = 0; day < 7; day++) {
            Instant midnightChina = Instant.parse("2026-03-10T16:00:00Z").plus(Duration.ofDays(day));
            afternoons += sim.expected(series, new Window(midnightChina.plus(Duration.ofHours(14)),
                    midnightChina.plus(Duration.ofHours(16)))).totalTokens();
            nights += sim.expected(series, new Window(midnightChina.plus(Duration.ofHours(2)),
                    midnightChina.plus(Duration.ofHours(4)))).totalTokens();
        }
        assertThat(afternoons).isGreaterThan(3 * nights);
    }

    @Test
    void spikeMultipliesTheUsageOfItsTargetDuringItsHours() {
        Instant thisHour = Instant.parse("2026-03-20T10:00:00Z");
        try (Simulator spiked = Simulator.start(OPTS.withSpike(Spike.lastHours("k1", 3, 8)))) {
            for (int h = 1; h <= 2; h++) {
                Window hour = new Window(thisHour.minus(Duration.ofHours(h)), thisHour.minus(Duration.ofHours(h - 1)));
                UsageTotals normal = sim.expected(K1_M1, hour);
                assertThat(spiked.expected(K1_M1, hour)).isEqualTo(new UsageTotals(8 * normal.inputTokens(),
                        8 * normal.outputTokens(), 8 * normal.totalTokens(), 8 * normal.requests(), 8 * normal.images()));
            }
            Window before = new Window(thisHour.minus(Duration.ofHours(4)), thisHour.minus(Duration.ofHours(3)));
            assertThat(spiked.expected(K1_M1, before)).isEqualTo(sim.expected(K1_M1, before));
            Window spikeHours = new Window(thisHour.minus(Duration.ofHours(2)), NOW);
            Series otherKey = new Series("k2", "m1");
            assertThat(spiked.expected(otherKey, spikeHours)).isEqualTo(sim.expected(otherKey, spikeHours));
        }
    }

    @ParameterizedTest(name = "spike on {0}")
    @CsvSource({"k1, true, false", "m2, false, true", "k1 x m1, true, false", "k2 x m2, false, true", "k2 x m1, false, false"})
    void spikeTargetsAKeyAModelOrASeries(String target, boolean k1m1, boolean k2m2) {
        Spike spike = Spike.lastHours(target, 3, 8);

        assertThat(spike.matches(K1_M1)).isEqualTo(k1m1);
        assertThat(spike.matches(new Series("k2", "m2"))).isEqualTo(k2m2);
    }

    @Test
    void listsItsKeysAPageAtATime() throws Exception {
        Reply page = call(Map.of("Action", "ListUMInferAPIKey", "Offset", 1, "Limit", 1));

        assertThat(page.json.get("RetCode").asInt()).isZero();
        assertThat(page.json.get("TotalCount").asInt()).isEqualTo(2);
        assertThat(page.json.get("Data")).hasSize(1);
        assertThat(page.json.get("Data").get(0).get("KeyId").asText()).isEqualTo("k2");
        assertThat(page.json.get("Data").get(0).get("GrantedModels").asText()).isEqualTo("m1,m2");
        assertThat(page.json.get("Data").get(0).get("Status").asInt()).isEqualTo(1);
        assertThat(page.json.get("Data").get(0).get("Key").asText()).isEqualTo(sim.keys().secret("k2"));
        assertThat(call(Map.of("Action", "ListUMInferAPIKey", "Limit", 101)).json.get("RetCode").asInt())
                .isEqualTo(230);
    }

    @Test
    void listsTheTextAndImageModelsAKeyMayCall() throws Exception {
        sim.keys().put(SimKeys.Key.enabled("k3", List.of("m1", "black-forest-labs/FLUX.1-dev")));

        Reply text = call(Map.of("Action", "GetUMInferAPIModel", "KeyId", "k3"));
        Reply images = call(Map.of("Action", "GetUMInferAPIModel", "KeyId", "k3", "ModelType", 2));

        assertThat(text.json.get("Action").asText()).isEqualTo("GetUMInferAPIModelResponse");
        assertThat(text.json.get("Data")).extracting(m -> m.get("ServedModelName").asText()).containsExactly("m1");
        assertThat(images.json.get("Data")).extracting(m -> m.get("ServedModelName").asText())
                .containsExactly("black-forest-labs/FLUX.1-dev");
        assertThat(call(Map.of("Action", "GetUMInferAPIModel", "KeyId", "k9")).json.get("RetCode").asInt())
                .isEqualTo(230);
        assertThat(call(Map.of("Action", "GetUMInferAPIModel", "KeyId", "k3", "ModelType", 3)).json.get("RetCode")
                .asInt()).isEqualTo(230);
    }

    @Test
    void aKeyAddedOverHttpIsListedAndHasUsageForItsModelsOnly() throws Exception {
        HttpResponse<String> added = HTTP.send(post(URI.create(sim.baseUrl() + "_sim/keys?id=k9&models=m2"),
                "text/plain", ""), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> listed = HTTP.send(HttpRequest.newBuilder(URI.create(sim.baseUrl() + "_sim/keys"))
                .GET().build(), HttpResponse.BodyHandlers.ofString());

        assertThat(added.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(listed.body()).get("keys")).extracting(k -> k.get("id").asText())
                .containsExactly("k1", "k2", "k9");
        Reply page = call(Map.of("Action", "ListUMInferAPIKey"));
        assertThat(page.json.get("TotalCount").asInt()).isEqualTo(3);
        assertThat(page.json.get("Data").get(2).get("GrantedModels").asText()).isEqualTo("m2");
        assertThat(sim.expected(new Series("k9", "m2"), DAY).totalTokens()).isPositive();
        assertThat(totals(call(usageParams(new Series("k9", "m2"), DAY)).json.get("Data")))
                .isEqualTo(sim.expected(new Series("k9", "m2"), DAY));
        assertThat(call(usageParams(new Series("k9", "m1"), DAY)).json.get("Data").isEmpty()).isTrue();
    }

    @Test
    void aKeyCanBeDisabledOrExpiredOverHttp() throws Exception {
        HTTP.send(post(URI.create(sim.baseUrl() + "_sim/keys?id=k1&status=0&expireTime=1700000000"), "text/plain",
                ""), HttpResponse.BodyHandlers.ofString());

        JsonNode k1 = call(Map.of("Action", "ListUMInferAPIKey")).json.get("Data").get(0);
        assertThat(k1.get("KeyId").asText()).isEqualTo("k1");
        assertThat(k1.get("Status").asInt()).isZero();
        assertThat(k1.get("ExpireTime").asLong()).isEqualTo(1700000000L);
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource({"POST, '', 400", "POST, id=k9&status=x, 400", "DELETE, id=k1, 405"})
    void theKeysEndpointRefusesNonsense(String method, String query, int status) throws Exception {
        HttpResponse<String> reply = HTTP.send(HttpRequest.newBuilder(URI.create(sim.baseUrl() + "_sim/keys?" + query))
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(reply.statusCode()).isEqualTo(status);
        assertThat(sim.keys().all()).extracting(SimKeys.Key::id).containsExactly("k1", "k2");
    }

    @ParameterizedTest
    @EnumSource(Fault.Kind.class)
    void aQueuedFaultFiresOnceThenTheNormalAnswerReturns(Fault.Kind kind) throws Exception {
        sim.faults().enqueue(kind == Fault.Kind.SLOW ? Fault.slow(Duration.ofMillis(20)) : Fault.of(kind));

        Reply faulted = call(usageParams(K1_M1, DAY));
        Reply normal = call(usageParams(K1_M1, DAY));

        assertThat(faulted.requestId).isNotBlank();
        assertThat(describe(faulted)).isEqualTo(switch (kind) {
            case HTTP500 -> "500 text/plain";
            case HTTP503 -> "503 text/plain";
            case HTTP429 -> "429 text/plain Retry-After 1";
            case RET153 -> "200 RetCode 153";
            case RET110 -> "200 RetCode 110";
            case SLOW -> "200 RetCode 0";
            case GARBAGE -> "200 text/html";
        });
        assertThat(describe(normal)).isEqualTo("200 RetCode 0");
        assertThat(sim.faults().pending()).isZero();
        assertThat(sim.requests()).hasSize(2);
    }

    @Test
    void faultsCanBeQueuedOverHttp() throws Exception {
        HttpResponse<String> queued = HTTP.send(post(URI.create(sim.baseUrl() + "_sim/faults?kind=http503&count=2"),
                "text/plain", ""), HttpResponse.BodyHandlers.ofString());

        assertThat(queued.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(queued.body()).get("pending").asInt()).isEqualTo(2);
        assertThat(describe(call(usageParams(K1_M1, DAY)))).isEqualTo("503 text/plain");
        assertThat(describe(call(usageParams(K1_M1, DAY)))).isEqualTo("503 text/plain");
        assertThat(describe(call(usageParams(K1_M1, DAY)))).isEqualTo("200 RetCode 0");
    }

    @Test
    void queuesSlowFaultsWithTheirDelayOverHttp() throws Exception {
        HTTP.send(post(URI.create(sim.baseUrl() + "_sim/faults?kind=slow&delayMs=5"), "text/plain", ""),
                HttpResponse.BodyHandlers.ofString());

        assertThat(sim.faults().next()).contains(Fault.slow(Duration.ofMillis(5)));
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource({"POST, kind=boom, 400", "POST, '', 400", "POST, kind=http500&count=x, 400",
            "POST, kind=http500&count=-1, 400", "GET, kind=http500, 405"})
    void theControlEndpointRefusesNonsense(String method, String query, int status) throws Exception {
        HttpResponse<String> reply = HTTP.send(HttpRequest.newBuilder(URI.create(sim.baseUrl() + "_sim/faults?" + query))
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(reply.statusCode()).isEqualTo(status);
        assertThat(sim.faults().pending()).isZero();
        if (query.startsWith("kind=boom")) {
            assertThat(reply.body()).contains("http500, http503, http429, ret153, ret110, slow, garbage");
        }
    }

    @Test
    void refusesImpossibleOptions() {
        assertThatThrownBy(() -> OPTS.withKeys(List.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the simulator needs at least one key and one model");
        assertThatThrownBy(() -> OPTS.withModels(List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Spike.lastHours("k1", 0, 8)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Spike.lastHours("k1", 3, Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }

    // --- helpers

    record Reply(int status, String contentType, String requestId, String retryAfter, String body, JsonNode json) {
    }

    private Map<String, Object> usageParams(Series series, Window window) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("Action", "GetUMInferTokenUsage");
        p.put("KeyId", series.keyId());
        p.put("Model", series.model());
        p.put("StartTime", window.start().getEpochSecond());
        p.put("EndTime", window.end().getEpochSecond());
        return p;
    }

    private Map<String, Object> signed(Map<String, Object> params, Secret privateKey) {
        Map<String, Object> p = new LinkedHashMap<>(params);
        p.putIfAbsent("PublicKey", sim.publicKey());
        p.put("Signature", Signer.of(privateKey).sign(p));
        return p;
    }

    /** The Java SDK's signature: every parameter but Signature, empty ones included, sorted, then the key. */
    private static String signKeepingEmpty(Map<String, Object> params, Secret privateKey) throws Exception {
        StringBuilder sb = new StringBuilder();
        new TreeMap<>(params).forEach((k, v) -> {
            if (!k.equals("Signature")) {
                sb.append(k).append(v);
            }
        });
        byte[] sha1 = MessageDigest.getInstance("SHA-1").digest((sb + privateKey.reveal()).getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(sha1);
    }

    private Reply call(Map<String, Object> params) throws Exception {
        return send(post(sim.baseUrl(), "application/x-www-form-urlencoded", form(signed(params, sim.privateKey()))));
    }

    private static HttpRequest post(URI uri, String contentType, String body) {
        return HttpRequest.newBuilder(uri).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private static Reply send(HttpRequest request) throws Exception {
        HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        String type = r.headers().firstValue("Content-Type").orElse("");
        JsonNode json = type.startsWith("application/json") ? JSON.readTree(r.body()) : null;
        return new Reply(r.statusCode(), type, r.headers().firstValue("X-UCLOUD-REQUEST-UUID").orElse(""),
                r.headers().firstValue("Retry-After").orElse(null), r.body(), json);
    }

    private static String describe(Reply r) {
        if (r.json != null) {
            return r.status + " RetCode " + r.json.get("RetCode").asInt();
        }
        return r.status + " " + r.contentType.split(";")[0] + (r.retryAfter == null ? "" : " Retry-After " + r.retryAfter);
    }

    private static String form(Map<String, Object> params) {
        return params.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(String.valueOf(e.getValue()), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
    }

    private static UsageTotals totals(JsonNode data) {
        return new UsageTotals(data.get("InTotal").asLong(), data.get("OutTotal").asLong(), data.get("Total").asLong(),
                data.get("RequestTotal").asLong(), data.get("ImageGenerationNum").asLong());
    }
}

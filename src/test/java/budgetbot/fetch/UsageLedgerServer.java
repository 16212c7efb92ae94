package budgetbot.fetch;

import budgetbot.config.Secret;
import budgetbot.config.UCloudConfig;
import budgetbot.ucloud.UCloudClient;
import budgetbot.usage.Series;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A UCloud stand-in whose usage the test edits while it runs: input tokens per series and hour, reported as
 * {@code in} and {@code out} (half as many) buckets stamped with the hour, and totals summed from them, as UCloud
 * does. Counts the {@code GetUMInferTokenUsage} requests it answers.
 */
final class UsageLedgerServer extends Dispatcher implements AutoCloseable {
    private final MockWebServer server = new MockWebServer();
    private final Map<Series, ConcurrentSkipListMap<Instant, Long>> input = new ConcurrentHashMap<>();
    private final AtomicInteger requests = new AtomicInteger();

    private UsageLedgerServer() {
    }

    static UsageLedgerServer start() throws IOException {
        UsageLedgerServer s = new UsageLedgerServer();
        s.server.setDispatcher(s);
        s.server.start();
        return s;
    }

    /** Sets the input tokens of {@code hour} (a whole hour) for the series. */
    UsageLedgerServer set(Series series, Instant hour, long inputTokens) {
        input.computeIfAbsent(series, s -> new ConcurrentSkipListMap<>()).put(hour, inputTokens);
        return this;
    }

    /** {@code tokens} input tokens in every hour from {@code from} until {@code to}. */
    UsageLedgerServer hourly(Series series, Instant from, Instant to, long tokens) {
        for (Instant h = from; h.isBefore(to); h = h.plus(Duration.ofHours(1))) {
            set(series, h, tokens);
        }
        return this;
    }

    int requests() {
        return requests.get();
    }

    UCloudClient client(ZoneId zone) {
        return UCloudClient.create(new UCloudConfig(server.url("/").uri(), "test-public-key",
                new Secret("test-private-key"), "", Duration.ofSeconds(5), 0, 8, Duration.ofHours(2), Duration.ofHours(1)), zone);
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        Map<String, String> form = form(request.getBody().utf8());
        if (!"GetUMInferTokenUsage".equals(form.get("Action"))) {
            return new MockResponse.Builder().code(200).body("{\"RetCode\":161,\"Message\":\"no such action\"}").build();
        }
        requests.incrementAndGet();
        Series series = new Series(form.get("KeyId"), form.get("Model"));
        Instant start = Instant.ofEpochSecond(Long.parseLong(form.get("StartTime")));
        Instant end = Instant.ofEpochSecond(Long.parseLong(form.get("EndTime")));
        StringBuilder usages = new StringBuilder();
        long in = 0;
        long out = 0;
        for (Map.Entry<Instant, Long> h : input.getOrDefault(series, new ConcurrentSkipListMap<>())
                .subMap(start, true, end, false).entrySet()) {
            long t = h.getKey().getEpochSecond();
            in += h.getValue();
            out += h.getValue() / 2;
            usages.append(usages.isEmpty() ? "" : ",")
                    .append("{\"Type\":\"in\",\"Count\":").append(h.getValue()).append(",\"Timestamp\":").append(t)
                    .append("},{\"Type\":\"out\",\"Count\":").append(h.getValue() / 2).append(",\"Timestamp\":")
                    .append(t).append('}');
        }
        String body = "{\"Action\":\"GetUMInferTokenUsageResponse\",\"RetCode\":0,\"Data\":{\"InTotal\":" + in
                + ",\"OutTotal\":" + out + ",\"Total\":" + (in + out) + ",\"Usages\":[" + usages + "]}}";
        return new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json").body(body).build();
    }

    private static Map<String, String> form(String body) {
        Map<String, String> form = new HashMap<>();
        for (String pair : body.split("&")) {
            List<String> kv = List.of(pair.split("=", 2));
            form.put(URLDecoder.decode(kv.get(0), StandardCharsets.UTF_8),
                    kv.size() < 2 ? "" : URLDecoder.decode(kv.get(1), StandardCharsets.UTF_8));
        }
        return form;
    }

    @Override
    public void close() {
        server.close();
    }
}

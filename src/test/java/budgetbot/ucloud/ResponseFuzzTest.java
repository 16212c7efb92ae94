package budgetbot.ucloud;

import budgetbot.config.Secret;
import budgetbot.config.UCloudConfig;
import budgetbot.testing.Seeded;
import budgetbot.time.Backoff;
import budgetbot.time.Jitter;
import budgetbot.time.Window;
import budgetbot.usage.Series;
import budgetbot.usage.Usage;
import budgetbot.usage.UsageException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Seeded fuzzing of how a {@code GetUMInferTokenUsage} answer is read: {@code Data} with fields of every type,
 * missing, negative, huge or unknown, and {@code Usages} of any shape. Reading never throws; what it cannot use
 * counts as nothing. {@code -Dbudgetbot.seed=N} explores other inputs.
 */
class ResponseFuzzTest {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final String[] FIELDS = {"Total", "InTotal", "OutTotal", "ImageGenerationNum", "RequestTotal",
            "Usages", "Unknown"};
    private static final String[] TYPES = {"in", "out", "total", "request_count", "image_generation", "IN", "Out",
            "weird", "", "\u0000"};

    @Test
    void anyDataIsReadAsSomeUsageOrNone() {
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> Seeded.cases(5000, g -> {
            ObjectNode data = JSON.objectNode();
            for (String field : FIELDS) {
                if (g.chance(0.6)) {
                    data.set(field, field.equals("Usages") && g.chance(0.8) ? usages(g) : value(g));
                }
            }
            SliceUsage usage = SliceUsage.parse(data);

            assertThat(usage.totals()).as("%s", data).isNotNull();
            assertThat(usage.buckets()).isNotNull();
        }));
    }

    /**
     * Answers made from a real one by random edits (a character dropped, added or changed, the text cut short, the
     * RetCode or a key renamed), sent over HTTP to the client: an answer that is still a UCloud envelope with RetCode
     * 0 is read as exactly the usage its {@code Data} holds; anything else (not JSON, no RetCode, another RetCode,
     * {@code Data} that is no object) is refused with the client's error, never read as usage.
     */
    @Test
    void textThatIsNotJsonOrNotAnEnvelopeIsNeverReadAsUsage() throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        int[] outcomes = new int[2];
        // the JDK's server with TCP_NODELAY (the surefire argLine sets it) answers in well under a millisecond, where
        // MockWebServer's small writes wait 40 ms for a delayed ACK each
        BlockingQueue<String> answers = new LinkedBlockingQueue<>();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            try (exchange) {
                exchange.getRequestBody().readAllBytes();
                byte[] body = answers.remove().getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
            }
        });
        server.start();
        try {
            URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
            UCloudConfig cfg = new UCloudConfig(url, "fuzz-public", new Secret("fuzz-private"), "",
                    Duration.ofSeconds(5), 0, 1, Duration.ofHours(2), Duration.ofHours(1));
            try (UCloudClient client = UCloudClient.create(cfg, ZoneOffset.UTC, Backoff.UCLOUD, Jitter.NONE,
                    d -> { })) {
                assertTimeoutPreemptively(Duration.ofSeconds(60), () -> Seeded.cases(600, g -> {
                    String body = mutate(g, VALID_ANSWER);
                    answers.add(body);
                    Optional<JsonNode> envelope = envelope(mapper, body);
                    try {
                        Usage usage = client.fetch(SERIES, DAY);
                        assertThat(envelope).as("read as usage: %s", body).isPresent();
                        assertThat(usage.totals()).as("%s", body)
                                .isEqualTo(SliceUsage.parse(envelope.get().path("Data")).totals());
                        outcomes[0]++;
                    } catch (UsageException e) {
                        assertThat(envelope.filter(root -> root.path("RetCode").asInt() == 0)).as("refused: %s (%s)",
                                body, e.getMessage()).isEmpty();
                        outcomes[1]++;
                    }
                }));
            }
        } finally {
            server.stop(0);
        }
        assertThat(outcomes[0]).as("edited answers still read as usage").isGreaterThan(60);
        assertThat(outcomes[1]).as("edited answers refused").isGreaterThan(60);
    }

    /** A real answer: a day of one series, with its buckets. */
    private static final String VALID_ANSWER = "{\"RetCode\":0,\"Action\":\"GetUMInferTokenUsageResponse\","
            + "\"Data\":{\"Total\":1500,\"InTotal\":1000,\"OutTotal\":500,\"RequestTotal\":3,"
            + "\"ImageGenerationNum\":0,\"Usages\":[{\"Type\":\"in\",\"Count\":1000,\"Timestamp\":1772380800},"
            + "{\"Type\":\"out\",\"Count\":500,\"Timestamp\":1772380800}]}}";
    private static final Series SERIES = new Series("uminferapikey-fuzz", "deepseek-ai/DeepSeek-R1");
    private static final Window DAY = new Window(Instant.parse("2026-03-01T16:00:00Z"),
            Instant.parse("2026-03-02T16:00:00Z"));
    private static final String ALPHABET = "{}[]\":,0123456789-.eE truefalsenullDataRetCode\\";

    /** One to three random edits of {@code text}. */
    private static String mutate(Seeded g, String text) {
        StringBuilder s = new StringBuilder(text);
        for (int edits = g.between(1, 3); edits > 0 && !s.isEmpty(); edits--) {
            int at = g.between(0, s.length() - 1);
            switch (g.between(0, 6)) {
                case 0 -> s.deleteCharAt(at);
                case 1 -> s.insert(at, ALPHABET.charAt(g.between(0, ALPHABET.length() - 1)));
                case 2 -> s.setCharAt(at, ALPHABET.charAt(g.between(0, ALPHABET.length() - 1)));
                case 3 -> s.setLength(at);
                case 4 -> replace(s, "\"RetCode\":0", "\"RetCode\":" + g.oneOf("1", "153", "\"0\"", "null", "0.0"));
                case 5 -> replace(s, "\"Data\"", g.oneOf("\"Date\"", "\"data\"", "\"Data\":[],\"X\""));
                default -> replace(s, "1000", g.oneOf("-5", "\"1000\"", "1e400", "99999999999999999999"));
            }
        }
        return s.toString();
    }

    private static void replace(StringBuilder s, String from, String to) {
        int i = s.indexOf(from);
        if (i >= 0) {
            s.replace(i, i + from.length(), to);
        }
    }

    /** The answer as a UCloud envelope the client reads as usage: JSON, an integer RetCode, a Data object. */
    private static Optional<JsonNode> envelope(ObjectMapper mapper, String body) {
        try {
            JsonNode root = mapper.readTree(body);
            boolean readable = root != null && root.path("RetCode").canConvertToInt()
                    && (root.path("Data").isObject() || root.path("Data").isMissingNode() || root.path("Data").isNull());
            return readable ? Optional.of(root) : Optional.empty();
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return Optional.empty();
        }
    }

    private static JsonNode usages(Seeded g) {
        ArrayNode list = JSON.arrayNode();
        for (int i = g.between(0, 30); i > 0; i--) {
            if (g.chance(0.1)) {
                list.add(value(g));
                continue;
            }
            ObjectNode u = list.addObject();
            if (g.chance(0.9)) {
                u.put("Type", TYPES[g.between(0, TYPES.length - 1)]);
            }
            if (g.chance(0.9)) {
                u.set("Count", value(g));
            }
            if (g.chance(0.9)) {
                u.set("Timestamp", g.chance(0.8) ? JSON.numberNode(g.between(0L, 4_102_444_800L)) : value(g));
            }
            if (g.chance(0.3)) {
                u.put("Model", "m");
            }
        }
        return list;
    }

    private static JsonNode value(Seeded g) {
        return switch (g.between(0, 7)) {
            case 0 -> JSON.numberNode(g.between(Long.MIN_VALUE / 2, Long.MAX_VALUE / 2));
            case 1 -> JSON.numberNode(g.between(-5, 5));
            case 2 -> JSON.textNode(Long.toString(g.between(0L, 1_000_000L)));
            case 3 -> JSON.textNode("lots");
            case 4 -> JSON.nullNode();
            case 5 -> JSON.booleanNode(g.chance(0.5));
            case 6 -> JSON.numberNode(new java.math.BigDecimal("1e400"));
            default -> JSON.objectNode().put("x", 1);
        };
    }
}

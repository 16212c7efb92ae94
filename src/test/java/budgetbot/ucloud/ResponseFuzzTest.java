package budgetbot.ucloud;

import budgetbot.testing.Seeded;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.time.Duration;

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

    @Test
    void textThatIsNotJsonOrNotAnEnvelopeIsNeverReadAsUsage() throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> Seeded.cases(2000, g -> {
            String alphabet = "{}[]\":,0123456789-.eE truefalsenull\\u\u00e9";
            StringBuilder s = new StringBuilder();
            for (int i = g.between(0, 60); i > 0; i--) {
                s.append(alphabet.charAt(g.between(0, alphabet.length() - 1)));
            }
            try {
                JsonNode root = mapper.readTree(s.toString());
                if (root != null && root.path("Data").isObject()) {
                    SliceUsage.parse(root.path("Data"));
                }
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                // not JSON: the client calls that an unreadable answer and retries it
            }
        }));
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

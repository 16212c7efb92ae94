package budgetbot.ucloud;

import budgetbot.usage.KeyLimits;
import com.fasterxml.jackson.databind.JsonNode;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the {@code Data} of {@code ListUMInferAPIKey} and {@code GetUMInferAPIModel} leniently, since UCloud's
 * pages and SDK models differ: unknown fields are ignored, missing ones tolerated, numbers may come as strings.
 * It never reads {@code Key}, the API key's secret value, so that nothing downstream can log, store or print it.
 */
final class KeyListing {
    private KeyListing() {
    }

    /**
     * One key of a page, as far as budgetbot cares.
     *
     * @param granted its {@code GrantedModels}; empty for {@code all} or when absent
     * @param limits  its daily and monthly limits and their use; none where the fields are absent or unreadable
     */
    record Listed(String id, String name, boolean enabled, Optional<Instant> expires, Optional<List<String>> granted,
                  KeyLimits limits) {
    }

    /** The keys of one page: {@code Data} as a list, or as an object keyed by id; entries without an id are skipped. */
    static List<Listed> keys(JsonNode data) {
        List<Listed> keys = new ArrayList<>();
        if (data.isArray()) {
            data.forEach(entry -> key(entry, "").ifPresent(keys::add));
        } else if (data.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = data.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                key(e.getValue(), e.getKey()).ifPresent(keys::add);
            }
        }
        return keys;
    }

    /** The {@code ServedModelName} (else {@code Name}) of each entry, or the entry itself when it is a string. */
    static List<String> models(JsonNode data) {
        List<String> models = new ArrayList<>();
        for (JsonNode entry : data) {
            String name = entry.isTextual() ? entry.asText() : text(entry, "ServedModelName").orElse(text(entry, "Name")
                    .orElse(""));
            if (!name.isBlank()) {
                models.add(name.strip());
            }
        }
        return models;
    }

    private static Optional<Listed> key(JsonNode entry, String fallbackId) {
        String id = text(entry, "KeyId").orElse(fallbackId);
        if (id.isBlank()) {
            return Optional.empty();
        }
        // Status 1 is normal, anything else disabled; some answers also flag a key cut off from ModelVerse
        boolean enabled = number(entry, "Status").orElse(1L) == 1 && !flag(entry.path("ModelverseDisabled"));
        Optional<Instant> expires = number(entry, "ExpireTime").filter(t -> t > 0).map(Instant::ofEpochSecond);
        KeyLimits limits = new KeyLimits(limit(entry, "Daily"), limit(entry, "Monthly"),
                flag(entry.path("ModelverseDisabled")));
        return Optional.of(new Listed(id.strip(), text(entry, "Name").orElse(""), enabled, expires,
                granted(entry.path("GrantedModels")), limits));
    }

    /** {@code <period>LimitAmount} and {@code <period>UsedAmount}: strings of money; "0", empty or absent = none. */
    private static KeyLimits.Limit limit(JsonNode entry, String period) {
        return new KeyLimits.Limit(money(entry, period + "LimitAmount"), money(entry, period + "UsedAmount"));
    }

    private static BigDecimal money(JsonNode entry, String field) {
        return text(entry, field).map(String::strip).filter(t -> t.matches("\\d{1,15}(\\.\\d{1,10})?"))
                .map(BigDecimal::new).orElse(BigDecimal.ZERO);
    }

    /** A comma-separated string or a list of names; {@code all}, empty or absent means no list. */
    private static Optional<List<String>> granted(JsonNode node) {
        List<String> names = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(n -> names.add(n.asText()));
        } else if (node.isValueNode() && !node.isNull()) {
            names.addAll(List.of(node.asText().split(",")));
        }
        List<String> granted = names.stream().map(String::strip).filter(n -> !n.isEmpty()).toList();
        return granted.isEmpty() || granted.stream().anyMatch(n -> n.equalsIgnoreCase("all")) ? Optional.empty()
                : Optional.of(granted);
    }

    private static Optional<String> text(JsonNode entry, String field) {
        JsonNode node = entry.path(field);
        return node.isValueNode() && !node.isNull() ? Optional.of(node.asText()) : Optional.empty();
    }

    private static Optional<Long> number(JsonNode entry, String field) {
        return text(entry, field).map(String::strip).filter(t -> t.matches("-?\\d{1,18}")).map(Long::parseLong);
    }

    private static boolean flag(JsonNode node) {
        return node.asBoolean(false) || node.asText("").strip().equals("1");
    }
}

package budgetbot.ucloud;

import budgetbot.usage.ApiKey;
import budgetbot.usage.KeyDirectory;
import budgetbot.usage.KeyLimits;
import com.fasterxml.jackson.databind.JsonNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * UCloud as the project's key directory: {@code ListUMInferAPIKey}, page by page, and {@code GetUMInferAPIModel} for
 * the models of each enabled key, through the {@link SignedTransport}. It never reads a key's secret value
 * ({@link KeyListing}).
 */
final class UCloudKeys implements KeyDirectory {
    static final String LIST_KEYS = "ListUMInferAPIKey";
    static final String LIST_MODELS = "GetUMInferAPIModel";
    static final String UPDATE_KEY = "UpdateUMInferAPIKey";
    /** Keys asked for per ListUMInferAPIKey page: UCloud's maximum. */
    static final int PAGE_SIZE = 100;
    /** GetUMInferAPIModel's ModelType: 1 text generation, 2 image generation. */
    private static final List<Integer> MODEL_TYPES = List.of(1, 2);
    /** The client's logger: its lines keep the name operators filter them by. */
    private static final Logger log = LoggerFactory.getLogger(UCloudClient.class);
    private static final Predicate<JsonNode> LIST_DATA = d -> d.isContainerNode() || d.isMissingNode() || d.isNull();

    private final SignedTransport transport;

    UCloudKeys(SignedTransport transport) {
        this.transport = transport;
    }

    /**
     * Lists every page of the project's keys, then the text and image models of each enabled one. A listing
     * that fails is not logged here: the caller decides what it means. When UCloud refuses a key's models but
     * listed the key, its {@code GrantedModels} stand in (a WARN).
     */
    @Override
    public List<ApiKey> apiKeys() {
        return listed().stream().map(k -> new ApiKey(k.id(), k.name(), k.enabled(), k.expires(),
                k.enabled() ? models(k) : Optional.of(List.of()), k.limits())).toList();
    }

    /** One key's limits as UCloud lists them now (every page, no models): what an action is about to change. */
    Optional<KeyLimits> limitsNow(String keyId) {
        return listed().stream().filter(k -> k.id().equals(keyId)).findFirst().map(KeyListing.Listed::limits);
    }

    /**
     * Sends {@code UpdateUMInferAPIKey} for {@code keyId} with only {@code changes}.
     *
     * @return UCloud's request id of the answer (RetCode 0)
     * @throws UCloudException when UCloud refuses (no permission, unknown key: its RetCode) or cannot be reached
     */
    String update(String keyId, Map<String, String> changes) {
        Map<String, String> params = new LinkedHashMap<>(changes);
        params.put("KeyId", keyId);
        JsonNode root = transport.call(new SignedTransport.Call(UPDATE_KEY, params, UPDATE_KEY + " for KeyId " + keyId
                + " " + changes, Optional.empty(), d -> true));
        return root.path(SignedTransport.REQUEST_ID).asText("");
    }

    /**
     * Every page of the project's keys (until {@code TotalCount} is reached, or without it until a page is short; an
     * empty page always ends the listing).
     */
    private List<KeyListing.Listed> listed() {
        Map<String, KeyListing.Listed> listed = new LinkedHashMap<>();
        for (int offset = 0; ; ) {
            JsonNode root = transport.call(new SignedTransport.Call(LIST_KEYS, Map.of("Offset",
                    Integer.toString(offset), "Limit", Integer.toString(PAGE_SIZE)),
                    LIST_KEYS + " from Offset " + offset, Optional.empty(), LIST_DATA));
            List<KeyListing.Listed> page = KeyListing.keys(root.path("Data"));
            page.forEach(k -> listed.putIfAbsent(k.id(), k));
            offset += page.size();
            JsonNode total = root.path("TotalCount");
            // a server may cap Limit below what was asked for: TotalCount, when given, says whether more follow
            if (page.isEmpty() || (total.canConvertToLong() ? offset >= total.asLong() : page.size() < PAGE_SIZE)) {
                return List.copyOf(listed.values());
            }
        }
    }

    private Optional<List<String>> models(KeyListing.Listed key) {
        Set<String> models = new LinkedHashSet<>();
        try {
            for (int type : MODEL_TYPES) {
                JsonNode root = transport.call(new SignedTransport.Call(LIST_MODELS, Map.of("KeyId", key.id(),
                        "ModelType", Integer.toString(type)), LIST_MODELS + " for KeyId " + key.id() + ", ModelType "
                        + type, Optional.empty(), LIST_DATA));
                models.addAll(KeyListing.models(root.path("Data")));
            }
        } catch (UCloudException e) {
            if (e.interrupted()) {
                throw e;
            }
            log.warn("{}; the models key {} may call are taken from its GrantedModels: {}", e.getMessage(), key.id(),
                    key.granted().map(String::valueOf).orElse("all, so any model"));
            return key.granted();
        }
        return Optional.of(List.copyOf(models));
    }
}

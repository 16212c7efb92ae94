package budgetbot.usage;

import java.util.Map;
import java.util.Optional;

/**
 * Where a key's own limits are read as they are now and changed: UCloud's {@code ListUMInferAPIKey} and
 * {@code UpdateUMInferAPIKey} in production; a backtest's and a dry run's stand-in refuses to change anything.
 */
public interface KeyEditor {
    /**
     * The key's limits as listed now; empty when the project has no such key.
     *
     * @throws UsageException when the keys cannot be listed
     */
    Optional<KeyLimits> limitsNow(String keyId);

    /**
     * Changes only {@code changes} of the key (e.g. {@code ModelverseDisabled=1}).
     *
     * @return the request id of the answer, for the audit
     * @throws UsageException when the change is refused (no permission, unknown key) or cannot be sent
     */
    String updateKey(String keyId, Map<String, String> changes);
}

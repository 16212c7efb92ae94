package budgetbot.usage;

import java.util.List;

/** Where the project's API keys are listed, with the models each may call: UCloud's ListUMInferAPIKey today. */
public interface KeyDirectory {
    /**
     * Every API key of the project, enabled or not, in the order listed.
     *
     * @throws UsageException when the directory fails for good (after its own retries)
     */
    List<ApiKey> apiKeys();
}

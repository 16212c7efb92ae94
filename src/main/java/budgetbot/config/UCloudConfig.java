package budgetbot.config;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * How to reach UCloud's OpenAPI.
 *
 * @param projectId      empty = the account's default project (the parameter is then left out)
 * @param maxConcurrency the most {@code GetUMInferTokenUsage} requests in flight at once, over all rules and slices;
 *                       fewer while UCloud rate-limits
 * @param settle         how long after a day ends its usage is taken as final and cached for good
 * @param discoveryInterval how often the project's API keys and their models are listed again
 */
public record UCloudConfig(URI baseUrl, String publicKey, Secret privateKey, String projectId, Duration timeout,
                           int maxRetries, int maxConcurrency, Duration settle, Duration discoveryInterval) {
    public UCloudConfig {
        Objects.requireNonNull(baseUrl, "baseUrl");
        Objects.requireNonNull(publicKey, "publicKey");
        Objects.requireNonNull(privateKey, "privateKey");
        Objects.requireNonNull(projectId, "projectId");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(settle, "settle");
        Objects.requireNonNull(discoveryInterval, "discoveryInterval");
    }
}

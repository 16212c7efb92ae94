package budgetbot.config;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * How to reach UCloud's OpenAPI.
 *
 * @param projectId   empty = the account's default project (the parameter is then left out)
 * @param parallelism how many day slices of one long window are fetched at once
 */
public record UCloudConfig(URI baseUrl, String publicKey, Secret privateKey, String projectId, Duration timeout,
                           int maxRetries, int parallelism) {
    public UCloudConfig {
        Objects.requireNonNull(baseUrl, "baseUrl");
        Objects.requireNonNull(publicKey, "publicKey");
        Objects.requireNonNull(privateKey, "privateKey");
        Objects.requireNonNull(projectId, "projectId");
        Objects.requireNonNull(timeout, "timeout");
    }
}

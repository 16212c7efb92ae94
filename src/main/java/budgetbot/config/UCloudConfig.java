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
 * @param freshFor       how long an answer for the open part of a series' days is used by the other rules that ask
 *                       for it (zero: never); at most the shortest interval between two checks of a rule
 * @param billingCurrency the currency of the account's bills, in which UCloud states a key's limits
 */
public record UCloudConfig(URI baseUrl, String publicKey, Secret privateKey, String projectId, Duration timeout,
                           int maxRetries, int maxConcurrency, Duration settle, Duration discoveryInterval,
                           Duration freshFor, String billingCurrency) {
    public static final Duration DEFAULT_FRESH_FOR = Duration.ofSeconds(60);
    public static final String DEFAULT_BILLING_CURRENCY = "CNY";

    public UCloudConfig(URI baseUrl, String publicKey, Secret privateKey, String projectId, Duration timeout,
                        int maxRetries, int maxConcurrency, Duration settle, Duration discoveryInterval,
                        Duration freshFor) {
        this(baseUrl, publicKey, privateKey, projectId, timeout, maxRetries, maxConcurrency, settle, discoveryInterval,
                freshFor, DEFAULT_BILLING_CURRENCY);
    }

    public UCloudConfig(URI baseUrl, String publicKey, Secret privateKey, String projectId, Duration timeout,
                        int maxRetries, int maxConcurrency, Duration settle, Duration discoveryInterval) {
        this(baseUrl, publicKey, privateKey, projectId, timeout, maxRetries, maxConcurrency, settle, discoveryInterval,
                DEFAULT_FRESH_FOR);
    }

    public UCloudConfig {
        Objects.requireNonNull(baseUrl, "baseUrl");
        Objects.requireNonNull(publicKey, "publicKey");
        Objects.requireNonNull(privateKey, "privateKey");
        Objects.requireNonNull(projectId, "projectId");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(settle, "settle");
        Objects.requireNonNull(discoveryInterval, "discoveryInterval");
        Objects.requireNonNull(freshFor, "freshFor");
        Objects.requireNonNull(billingCurrency, "billingCurrency");
    }
}

package budgetbot.config;

import java.util.Objects;

/**
 * Where alert state, the delivery outbox and (when clustered) Quartz's tables live.
 *
 * @param cluster run the scheduler as a Quartz cluster on this database (several instances, one runs each job)
 */
public record StateConfig(String url, String username, Secret password, boolean cluster) {
    public StateConfig {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
    }
}

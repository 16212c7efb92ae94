package budgetbot.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Where alert state, the delivery outbox and (when clustered) Quartz's tables live.
 *
 * @param cluster   run the scheduler as a Quartz cluster on this database (several instances, one runs each job)
 * @param retention how long delivered notifications and the alert log are kept
 */
public record StateConfig(String url, String username, Secret password, boolean cluster, Duration retention) {
    public StateConfig {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(retention, "retention");
    }
}

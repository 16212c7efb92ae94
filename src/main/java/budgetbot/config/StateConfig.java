package budgetbot.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Where alert state, the delivery outbox and (when clustered) Quartz's tables live.
 *
 * @param cluster   run the scheduler as a Quartz cluster on this database (several instances, one runs each job)
 * @param retention      how long delivered notifications and the alert log are kept
 * @param connectTimeout how long a job waits for a database connection before it fails (and says why)
 */
public record StateConfig(String url, String username, Secret password, boolean cluster, Duration retention,
                          Duration connectTimeout) {
    /** HikariCP's own default. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(30);

    public StateConfig {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(retention, "retention");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
    }

    public StateConfig(String url, String username, Secret password, boolean cluster, Duration retention) {
        this(url, username, password, cluster, retention, DEFAULT_CONNECT_TIMEOUT);
    }
}

package budgetbot.config;

import java.util.Objects;
import java.util.Optional;

/**
 * An SMTP relay. AUTH is used when {@code username} is present; {@code ssl} is SMTPS (implicit TLS). Loading
 * refuses AUTH without TLS to a host other than loopback unless {@code allowInsecureAuth}.
 */
public record SmtpConfig(String host, int port, Optional<String> username, Optional<Secret> password,
                         boolean starttls, boolean ssl, boolean allowInsecureAuth) {
    public SmtpConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
    }

    /** A relay without {@code allowInsecureAuth}, the default. */
    public SmtpConfig(String host, int port, Optional<String> username, Optional<Secret> password,
                      boolean starttls, boolean ssl) {
        this(host, port, username, password, starttls, ssl, false);
    }
}

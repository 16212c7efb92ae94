package budgetbot.config;

import java.util.Objects;
import java.util.Optional;

/** An SMTP relay. AUTH is used when {@code username} is present; {@code ssl} is SMTPS (implicit TLS). */
public record SmtpConfig(String host, int port, Optional<String> username, Optional<Secret> password,
                         boolean starttls, boolean ssl) {
    public SmtpConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
    }
}

package budgetbot.config;

import java.util.Objects;

/** A credential from the configuration; prints as {@code <secret>} so it cannot leak into logs or errors. */
public record Secret(String value) {
    public Secret {
        Objects.requireNonNull(value, "value");
    }

    /** The real value, for the one place that must send it (a signature, an SMTP login, an HTTP header). */
    public String reveal() {
        return value;
    }

    public boolean isEmpty() {
        return value.isEmpty();
    }

    @Override
    public String toString() {
        return "<secret>";
    }
}

package budgetbot.config;

import java.util.List;
import java.util.stream.Collectors;

/** The configuration is invalid; carries every error found, not only the first. */
public class ConfigException extends RuntimeException {
    private final List<ConfigError> errors;

    public ConfigException(List<ConfigError> errors) {
        super(errors.stream().map(ConfigError::toString).collect(Collectors.joining("\n")));
        this.errors = List.copyOf(errors);
    }

    public List<ConfigError> errors() {
        return errors;
    }
}

package budgetbot.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Collects every error found in one config file, in file order, and keeps secret values out of their messages.
 */
final class Problems {
    /**
     * Shorter values are not redacted: they would blank out ordinary words, and a secret that short is
     * no secret anyway.
     */
    private static final int MIN_REDACTED_LENGTH = 4;

    private final Path file;
    private final List<ConfigError> errors = new ArrayList<>();
    private final Set<String> secrets = new HashSet<>();

    Problems(Path file) {
        this.file = file;
    }

    void at(Node node, String path, String message) {
        at(node.line(), node.column(), path, message);
    }

    void at(int line, int column, String path, String message) {
        errors.add(new ConfigError(file, line, column, path, message));
    }

    /** A problem with the file as a whole (missing, empty, unreadable). */
    void file(String message) {
        at(0, 0, "", message);
    }

    /**
     * Remembers a secret value so that no message can show it, even one about another field that happens to
     * contain it (a token pasted as a channel name, a secret variable reused elsewhere).
     */
    void secret(String value) {
        if (value.length() >= MIN_REDACTED_LENGTH) {
            secrets.add(value);
        }
    }

    void throwIfAny() {
        if (!errors.isEmpty()) {
            throw exception();
        }
    }

    ConfigException exception() {
        List<ConfigError> located = errors.stream()
                .sorted(Comparator.comparingInt(ConfigError::line).thenComparingInt(ConfigError::column))
                .map(e -> new ConfigError(e.file(), e.line(), e.column(), redact(e.path()), redact(e.message())))
                .toList();
        return new ConfigException(located);
    }

    private String redact(String text) {
        String result = text;
        // longest first, so that a secret containing another is replaced whole
        for (String secret : secrets.stream().sorted(Comparator.comparingInt(String::length).reversed()).toList()) {
            result = result.replace(secret, "<secret>");
        }
        return result;
    }
}

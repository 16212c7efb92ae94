package budgetbot.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A name as written in rules.yml, with where it was written, so that a problem found only later (say, UCloud does
 * not know the key) can point at it like a config error does.
 *
 * @param path   the field path, e.g. {@code rules[0].keys[1]}; empty when the name was not read from a file
 * @param line   1-based; 0 when unknown
 * @param column 1-based; 0 when unknown
 */
public record Located(String value, String path, int line, int column) {
    public Located {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(path, "path");
    }

    /** A name that was not read from a file: one UCloud listed, or one a test made up. */
    public static Located of(String value) {
        return new Located(value, "", 0, 0);
    }

    /** {@code message} about this name, located in {@code file} like a config error. */
    public ConfigError problem(Path file, String message) {
        return new ConfigError(file, line, column, path, message);
    }
}

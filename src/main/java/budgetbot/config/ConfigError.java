package budgetbot.config;

import java.nio.file.Path;

/** One problem in a config file, located; {@code line}/{@code column} are 1-based, 0 when unknown. */
public record ConfigError(Path file, int line, int column, String path, String message) {
    @Override
    public String toString() {
        String where = line > 0 ? file + ":" + line + ":" + column : file.toString();
        return path.isEmpty() ? where + ": " + message : where + ": " + path + ": " + message;
    }
}

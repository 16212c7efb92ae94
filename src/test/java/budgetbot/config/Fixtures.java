package budgetbot.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertThrows;

/** Loads the YAML fixtures under src/test/resources/config and flattens their errors for table assertions. */
final class Fixtures {
    static final Path DIR = Path.of("src/test/resources/config");

    private Fixtures() {
    }

    static Path fixture(String name) {
        return DIR.resolve(name);
    }

    /** The config loaded from {@code name} must fail; its errors as {@code "line:column path: message"}. */
    static List<String> errors(String name, Map<String, String> env) {
        return failure(fixture(name), env).errors().stream()
                .map(e -> e.line() + ":" + e.column() + " " + e.path() + ": " + e.message())
                .toList();
    }

    static ConfigException failure(Path file, Map<String, String> env) {
        return assertThrows(ConfigException.class, () -> ConfigLoader.load(file, env));
    }
}

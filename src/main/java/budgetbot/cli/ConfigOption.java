package budgetbot.cli;

import budgetbot.config.BotConfig;
import budgetbot.config.ConfigError;
import budgetbot.config.ConfigException;
import budgetbot.config.ConfigLoader;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code --config FILE}, default {@code $BUDGETBOT_CONFIG} or {@code ./rules.yml}; mixed into every command. The
 * environment it reads ({@code BUDGETBOT_CONFIG}, {@code ${VAR}} in the file) is the one {@link Main} was given.
 */
final class ConfigOption {
    private static final String ENV = "BUDGETBOT_CONFIG";

    private final Map<String, String> environment;

    ConfigOption(Map<String, String> environment) {
        this.environment = Objects.requireNonNull(environment, "environment");
    }

    @Option(names = "--config", paramLabel = "FILE",
            description = "rules.yml to use (default: $BUDGETBOT_CONFIG or ./rules.yml)")
    Path file;

    Path path() {
        if (file != null) {
            return file;
        }
        return fromEnvironment() ? Path.of(environment.get(ENV)) : Path.of("rules.yml");
    }

    private boolean fromEnvironment() {
        String env = environment.get(ENV);
        return env != null && !env.isBlank();
    }

    /** For commands that deliver, and validate: every secret must be set. */
    BotConfig load() {
        return load(ConfigLoader.Purpose.DELIVER);
    }

    /** For commands that send nothing: a channel whose secret is not set is left out instead of failing. */
    BotConfig loadToInspect() {
        return load(ConfigLoader.Purpose.INSPECT);
    }

    private BotConfig load(ConfigLoader.Purpose purpose) {
        Path path = path();
        if (!Files.exists(path)) {
            String source = file != null ? "given with --config" : fromEnvironment() ? "from " + ENV
                    : "the default, as neither --config nor " + ENV + " is given";
            throw new ConfigException(List.of(new ConfigError(path, 0, 0, "", "no such file (" + source
                    + "); name the configuration with --config FILE or the environment variable " + ENV)));
        }
        return ConfigLoader.load(path, environment, purpose);
    }
}

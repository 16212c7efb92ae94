package budgetbot.cli;

import budgetbot.config.BotConfig;
import budgetbot.config.ConfigLoader;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** {@code --config FILE}, default {@code $BUDGETBOT_CONFIG} or {@code ./rules.yml}; mixed into every command. */
final class ConfigOption {
    @Option(names = "--config", paramLabel = "FILE",
            description = "rules.yml to use (default: $BUDGETBOT_CONFIG or ./rules.yml)")
    Path file;

    Path path() {
        if (file != null) {
            return file;
        }
        String env = System.getenv("BUDGETBOT_CONFIG");
        return Path.of(env != null && !env.isBlank() ? env : "rules.yml");
    }

    BotConfig load() {
        return ConfigLoader.load(path(), System.getenv());
    }
}

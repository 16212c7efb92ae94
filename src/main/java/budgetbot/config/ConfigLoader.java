package budgetbot.config;

import java.nio.file.Path;
import java.util.Map;

/** Reads rules.yml into a validated {@link BotConfig}. */
public final class ConfigLoader {
    private ConfigLoader() {
    }

    /**
     * @param env environment variables for {@code ${VAR}} and {@code ${VAR:-default}}
     * @throws ConfigException with every error found, each located
     */
    public static BotConfig load(Path file, Map<String, String> env) {
        throw new UnsupportedOperationException("not yet");
    }
}

package budgetbot.config;

import budgetbot.testing.Seeded;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Seeded fuzzing of the config loader: the valid example with bytes flipped, inserted, deleted, lines swapped and
 * the file cut short. Whatever comes out loads, or is refused as a configuration error that names the file; never
 * another exception, and never slowly. {@code -Dbudgetbot.seed=N} explores other inputs.
 */
class ConfigFuzzTest {
    private static final int CASES = 1500;
    private static final String NASTY = ":-[]{}#&*!|>'\"%@`,? \t\n\r\\\u00e9\u0000\u2028";

    @TempDir
    Path dir;

    @Test
    void mutatedConfigsLoadOrAreRefusedInWordsWithinABound() throws Exception {
        byte[] valid = Files.readAllBytes(Path.of(ConfigFuzzTest.class.getResource("/config/valid.yml").toURI()));
        Path file = dir.resolve("rules.yml");
        assertTimeoutPreemptively(Duration.ofSeconds(120), () -> Seeded.cases(CASES, g -> {
            byte[] mutated = mutate(valid, g);
            write(file, mutated);
            try {
                ConfigLoader.load(file, Map.of("SLACK_WEBHOOK_URL", "https://hooks.example.com/x",
                        "UCLOUD_PRIVATE_KEY", "k", "SMTP_PASSWORD", "p"));
            } catch (ConfigException e) {
                assertThat(e.getMessage()).contains(file.toString()).doesNotContain("\tat ");
            }
        }));
    }

    private static byte[] mutate(byte[] valid, Seeded g) {
        StringBuilder b = new StringBuilder(new String(valid, java.nio.charset.StandardCharsets.ISO_8859_1));
        for (int i = g.between(1, 6); i > 0 && b.length() > 1; i--) {
            int at = g.between(0, b.length() - 1);
            switch (g.between(0, 4)) {
                case 0 -> b.setCharAt(at, NASTY.charAt(g.between(0, NASTY.length() - 1)));
                case 1 -> b.insert(at, NASTY.charAt(g.between(0, NASTY.length() - 1)));
                case 2 -> b.deleteCharAt(at);
                case 3 -> b.setLength(at);
                default -> b.insert(at, b.substring(g.between(0, at), at));
            }
        }
        return b.toString().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    private static void write(Path file, byte[] bytes) {
        try {
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

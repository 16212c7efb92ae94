package budgetbot.config;

import budgetbot.e2e.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Broken and hostile configuration files (src/test/resources/config/hostile): YAML bombs, alias and tag abuse,
 * deep nesting, huge and tiny numbers, wrong types, tabs, duplicates, bad bytes and encodings, header injection,
 * crons that never fire. Each must give a located error (file:line:column) or a bounded refusal naming the file,
 * in words: never a hang, a stack trace or a raw exception name.
 */
class HostileConfigTest {
    /** A hang, not a speed limit: the ten-megabyte file took over 10 s to refuse with four suites on two cores. */
    private static final Duration BOUND = Duration.ofSeconds(60);

    @TempDir
    static Path generated;

    static Stream<Path> corpus() throws IOException, URISyntaxException {
        Path dir = Path.of(HostileConfigTest.class.getResource("/config/hostile").toURI());
        Path base = dir.resolve("12-unknown-nested-field.yml");
        String valid = Files.readString(base).replace(", budgetz: 3", "");
        // too big to keep in the repository
        Files.writeString(generated.resolve("ten-megabytes.yml"), valid + "# " + "x".repeat(10 * 1024 * 1024) + "\n");
        Files.writeString(generated.resolve("near-limit-scalar.yml"), valid.replace("name: r",
                "name: " + "r".repeat(1000 * 1000)));
        try (Stream<Path> files = Files.list(dir)) {
            return Stream.concat(files.sorted().toList().stream(),
                    Stream.of(generated.resolve("ten-megabytes.yml"), generated.resolve("near-limit-scalar.yml")));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void isRefusedWithALocatedErrorInWords(Path file) {
        Throwable thrown = assertTimeoutPreemptively(BOUND, () -> catchThrowable(() -> ConfigLoader.load(file, Map.of())));

        assertThat(thrown).as("%s must be refused as a configuration error", file.getFileName())
                .isInstanceOf(ConfigException.class);
        List<String> lines = thrown.getMessage().lines().filter(l -> l.startsWith(file.toString())).toList();
        assertThat(lines).as("every problem names the file").isNotEmpty();
        assertThat(lines).allSatisfy(l -> assertThat(l.substring(file.toString().length()))
                .as("located (:line:column:) or about the whole file (: )").matches("(:\\d+:\\d+)?: \\S.*"));
        assertThat(thrown.getMessage()).as("no raw exception in the words")
                .doesNotContainPattern("[A-Za-z]+(Exception|Error)\\b").doesNotContain("\tat ");
        assertThat(thrown.getMessage().length()).as("bounded").isLessThan(20_000);
    }

    @Test
    void validateReportsThemWithExitTwoAndNoStackTrace() throws Exception {
        for (Path file : corpus().toList()) {
            Cli.Run run = Cli.run("validate", "--config", file.toString());

            assertThat(run.exit()).as(file.getFileName().toString()).isEqualTo(2);
            assertThat(run.all()).as(file.getFileName().toString()).doesNotContain("\tat ").doesNotContain("Exception:");
        }
    }
}

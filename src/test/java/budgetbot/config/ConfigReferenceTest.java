package budgetbot.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The configuration reference (docs/configuration.md) names every field the loader accepts, and every field of the
 * example rules.yml. The loader is asked, not a list kept here: a probe file puts an unknown field into every
 * section, and each "unknown field; valid fields: ..." error says what that section accepts.
 */
class ConfigReferenceTest {
    private static final Path REFERENCE = Path.of("docs/configuration.md");
    private static final Path EXAMPLE = Path.of("rules.yml");
    private static final String PROBE = "zzzzzz";
    /** A row of the reference's field table: | `path` | type | default | meaning |. */
    private static final Pattern ROW = Pattern.compile("^\\| `([^`]+)` \\|");
    private static final Pattern VALID = Pattern.compile("unknown field; valid fields: (.*)$");

    /** Every section the loader reads, each with the probe field; channels once per type. */
    private static final String PROBED = """
            zzzzzz: 1
            ucloud: { publicKey: p, privateKey: k, zzzzzz: 1 }
            state: { zzzzzz: 1 }
            server: { zzzzzz: 1 }
            prices: { zzzzzz: 1, models: { m1: { input: 1, output: 1, zzzzzz: 1 } } }
            channels:
              hook: { type: slack, webhookUrl: "https://hooks.example.com/x", zzzzzz: 1 }
              bot: { type: slack, token: t, channel: "#c", zzzzzz: 1 }
              mail: { type: email, smtp: { host: h, zzzzzz: 1 }, from: a@example.com, to: [b@example.com], zzzzzz: 1 }
              out: { type: console, zzzzzz: 1 }
            rules:
              - name: r
                keys: [k1]
                models: [m1]
                budgets: [{ metric: tokens, limit: 1, zzzzzz: 1 }]
                growth: [{ metric: tokens, increase: 10%, zzzzzz: 1 }]
                anomaly: [{ metric: tokens, minExcess: 1, zzzzzz: 1 }]
                notify: [out]
                zzzzzz: 1
            digests:
              - { name: d, rules: [r], notify: [out], zzzzzz: 1 }
            """;

    @TempDir
    Path dir;

    @Test
    void theReferenceNamesEveryFieldTheLoaderAccepts() throws IOException {
        Path probe = Files.writeString(dir.resolve("probe.yml"), PROBED);
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(probe, Map.of()));
        assertThat(e).as("the probe file is refused for its unknown fields").isNotNull();

        Set<String> accepted = new TreeSet<>();
        Set<String> probedSections = new TreeSet<>();
        for (ConfigError error : e.errors()) {
            Matcher m = VALID.matcher(error.message());
            assertThat(error.path()).as("only the probe fields are wrong: %s", error).endsWith(PROBE);
            assertThat(m.find()).as("the loader lists what it accepts: %s", error).isTrue();
            String section = normalise(error.path().substring(0, error.path().length() - PROBE.length()));
            probedSections.add(section);
            Arrays.stream(m.group(1).split(", ")).forEach(f -> accepted.add(section + f));
        }
        // the top, ucloud, state, server, prices and a model's price, a channel (all types) and its smtp, a rule, its
        // budgets, growth and anomaly checks, a digest
        assertThat(probedSections).as("every section was probed").hasSize(13);

        Set<String> documented = documented();
        assertThat(accepted).as("fields the loader accepts that %s does not name", REFERENCE)
                .allSatisfy(f -> assertThat(documented).contains(f));
    }

    @Test
    void theReferenceNamesEveryFieldOfTheExampleRulesYml() throws IOException {
        JsonNode example = new ObjectMapper(new YAMLFactory()).readTree(EXAMPLE.toFile());
        Set<String> fields = new TreeSet<>();
        walk(example, "", fields);
        assertThat(fields).as("fields of the example").hasSizeGreaterThan(50);

        Set<String> documented = documented();
        assertThat(fields).as("fields of %s that %s does not name", EXAMPLE, REFERENCE)
                .allSatisfy(f -> assertThat(documented).contains(f));
    }

    /** The paths in the first column of the reference's tables. */
    private static Set<String> documented() throws IOException {
        Set<String> paths = new TreeSet<>();
        for (String line : Files.readAllLines(REFERENCE)) {
            Matcher m = ROW.matcher(line);
            if (m.find()) {
                paths.add(m.group(1));
                // `rules[].budgets[]` documents the list and so the field `budgets` of a rule
                paths.add(m.group(1).replaceAll("\\[]$", ""));
            }
        }
        return paths;
    }

    /** Every mapping key under {@code node}, as the reference writes its path. */
    private static void walk(JsonNode node, String path, Set<String> fields) {
        if (node.isArray()) {
            node.forEach(item -> walk(item, path + "[]", fields));
        } else if (node.isObject()) {
            node.fields().forEachRemaining(e -> {
                String key = path.equals("channels") ? "<name>" : path.equals("prices.models") ? "<model>" : e.getKey();
                String field = path.isEmpty() ? key : path + "." + key;
                fields.add(field);
                walk(e.getValue(), field, fields);
            });
        }
    }

    /** {@code rules[0].budgets[1].} as {@code rules[].budgets[].}; the probe's channel and model names as placeholders. */
    private static String normalise(String path) {
        return path.replaceAll("\\[\\d+]", "[]")
                .replaceAll("^channels\\.(hook|bot|mail|out)\\.", "channels.<name>.")
                .replaceAll("^prices\\.models\\.m1\\.", "prices.models.<model>.");
    }
}

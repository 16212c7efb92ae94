package budgetbot.e2e;

import budgetbot.simulator.Simulator;
import budgetbot.simulator.SimulatorOptions;
import budgetbot.simulator.Spike;
import budgetbot.time.Window;
import budgetbot.usage.Series;
import budgetbot.usage.UsageTotals;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The simulated UCloud account every e2e test runs against: a production and a batch key, two models, a six-fold
 * spike of production usage on 20 Nov 2026 12:00-15:00 China time, and a simulator clock after every moment the
 * tests act at, so that all the data they ask for is complete and fixed.
 */
final class Scenario {
    static final ZoneId CHINA = ZoneId.of("Asia/Shanghai");
    static final String PROD = "uminferapikey-prod";
    static final String BATCH = "uminferapikey-batch";
    static final String R1 = "deepseek-ai/DeepSeek-R1";
    static final String QWQ = "Qwen/QwQ-32B";
    static final List<String> MODELS = List.of(R1, QWQ);
    static final Instant SIM_NOW = at("2026-11-23T00:00");
    static final Spike SPIKE = new Spike(PROD, Optional.of(at("2026-11-20T12:00")), Duration.ofHours(3), 6);

    private static final Pattern PLACEHOLDER = Pattern.compile("@([A-Z_]+)@");

    private Scenario() {
    }

    static Simulator simulator() {
        return Simulator.start(options());
    }

    /** The scenario's simulator, before it is started. */
    static SimulatorOptions options() {
        return SimulatorOptions.defaults(Clock.fixed(SIM_NOW, ZoneOffset.UTC)).withKeys(List.of(PROD, BATCH))
                .withModels(MODELS).withSpike(SPIKE);
    }

    /** A local date-time in China as an instant. */
    static Instant at(String localDateTime) {
        return LocalDateTime.parse(localDateTime).atZone(CHINA).toInstant();
    }

    /** How the command line gets a moment: ISO-8601 with the +08:00 offset. */
    static String arg(Instant t) {
        return t.atZone(CHINA).toOffsetDateTime().toString();
    }

    /** The local calendar day. */
    static Window day(String date) {
        LocalDate d = LocalDate.parse(date);
        return new Window(d.atStartOfDay(CHINA).toInstant(), d.plusDays(1).atStartOfDay(CHINA).toInstant());
    }

    /** From local midnight up to {@code t}: what a daily budget has used at {@code t}. */
    static Window daySoFar(Instant t) {
        return new Window(t.atZone(CHINA).toLocalDate().atStartOfDay(CHINA).toInstant(), t);
    }

    /** The production key's usage over both models, as the simulator reports it. */
    static UsageTotals prod(Simulator sim, Window w) {
        return MODELS.stream().map(m -> sim.expected(new Series(PROD, m), w))
                .reduce(UsageTotals.ZERO, UsageTotals::plus);
    }

    /**
     * Writes {@code dir/rules.yml} from the template {@code /e2e/<template>} with every {@code @NAME@} replaced;
     * a placeholder without a value fails the test rather than reaching the config loader.
     */
    static Path config(Path dir, String template, Map<String, String> values) {
        String text;
        try (InputStream in = Scenario.class.getResourceAsStream("/e2e/" + template)) {
            assertThat(in).as("test resource /e2e/" + template).isNotNull();
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = values.get(m.group(1));
            assertThat(value).as("value of @" + m.group(1) + "@ in " + template).isNotNull();
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        try {
            Files.createDirectories(dir);
            return Files.writeString(dir.resolve("rules.yml"), out.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The template values that point a config at {@code sim} with its own key pair. */
    static Map<String, String> ucloud(Simulator sim) {
        return Map.of("SIM_URL", sim.baseUrl().toString(), "PUBLIC_KEY", sim.publicKey(),
                "PRIVATE_KEY", sim.privateKey().reveal());
    }
}

package budgetbot.e2e;

import budgetbot.config.ModelPrice;
import budgetbot.rules.Metrics;
import budgetbot.simulator.Fault;
import budgetbot.simulator.Simulator;
import budgetbot.time.Window;
import budgetbot.usage.Series;
import budgetbot.usage.UsageTotals;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static budgetbot.e2e.Scenario.CHINA;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code budgetbot usage} against the simulator: the numbers, the requests behind them, and failures. */
class UsageE2ETest {
    private static final Series SERIES = new Series(Scenario.PROD, Scenario.R1);
    private static final Window SPIKE_DAY = Scenario.day("2026-11-20");
    private static final String TOTAL = "TOTAL";

    @TempDir
    Path dir;

    final Simulator sim = Scenario.simulator();

    @AfterEach
    void stop() {
        sim.close();
    }

    private Path config(String privateKey, String projectId) {
        Map<String, String> values = new HashMap<>(Scenario.ucloud(sim));
        values.put("PRIVATE_KEY", privateKey);
        values.put("PROJECT_ID", projectId);
        values.put("STATE_URL", "jdbc:h2:file:" + dir.resolve("state").resolve("budgetbot").toAbsolutePath());
        return Scenario.config(dir, "usage.yml", values);
    }

    private Path config() {
        return config(sim.privateKey().reveal(), "");
    }

    private Cli.Run usage(Path config, Window w, String by, String format) {
        return Cli.run("usage", "--config", config.toString(), "--key", SERIES.keyId(), "--model", SERIES.model(),
                "--from", Scenario.arg(w.start()), "--to", Scenario.arg(w.end()), "--by", by, "--format", format);
    }

    @ParameterizedTest(name = "--format {0}")
    @ValueSource(strings = {"csv", "json", "table"})
    void printsEveryHourAndTheTotalExactlyAsTheSimulatorReportsThem(String format) throws Exception {
        Cli.Run run = usage(config(), SPIKE_DAY, "hour", format);

        run.exits(0);
        Map<String, UsageTotals> rows = parse(format, run.out());
        Map<String, UsageTotals> expected = new LinkedHashMap<>();
        for (Instant h = SPIKE_DAY.start(); h.isBefore(SPIKE_DAY.end()); h = h.plus(Duration.ofHours(1))) {
            expected.put(h.toString(), sim.expected(SERIES, new Window(h, h.plus(Duration.ofHours(1)))));
        }
        expected.put(TOTAL, sim.expected(SERIES, SPIKE_DAY));
        assertThat(rows).containsExactlyEntriesOf(expected);
        assertThat(rows.get(TOTAL).totalTokens()).isPositive();
        assertThat(run.out()).as("times to the second").doesNotContainPattern(":\\d\\d\\.\\d");
    }

    @Test
    void theTableShowsWhatTheUsageCostsAtTheConfiguredPrice() {
        Cli.Run run = usage(config(), SPIKE_DAY, "day", "table").exits(0);

        ModelPrice price = new ModelPrice(BigDecimal.valueOf(4), BigDecimal.valueOf(16), BigDecimal.ZERO);
        BigDecimal cost = Metrics.cost(sim.expected(SERIES, SPIKE_DAY), price).setScale(2, RoundingMode.HALF_UP);
        assertThat(cost).isGreaterThan(BigDecimal.ONE);
        assertThat(run.out()).containsPattern("(?m)^day .* images +cost CNY$");
        String total = run.out().lines().filter(l -> l.startsWith(TOTAL)).findFirst().orElseThrow();
        assertThat(total).endsWith(" " + String.format(Locale.ROOT, "%,.2f", cost));
    }

    /** Rows by the hour's instant (or {@link #TOTAL}), whatever the format. */
    private static Map<String, UsageTotals> parse(String format, String out) throws Exception {
        Map<String, UsageTotals> rows = new LinkedHashMap<>();
        switch (format) {
            case "csv" -> {
                List<String> lines = out.lines().toList();
                // the columns JSON has, and no total row mixed into the data: the total is the rows' sum
                assertThat(lines.get(0)).isEqualTo("start,inputTokens,outputTokens,totalTokens,requests,images");
                for (String line : lines.subList(1, lines.size())) {
                    String[] f = line.split(",");
                    rows.put(OffsetDateTime.parse(f[0]).toInstant().toString(), totals(f[1], f[2], f[3], f[4], f[5]));
                }
                rows.put(TOTAL, rows.values().stream().reduce(UsageTotals.ZERO, UsageTotals::plus));
            }
            case "json" -> {
                JsonNode root = new ObjectMapper().readTree(out);
                assertThat(root.get("key").asText()).isEqualTo(SERIES.keyId());
                assertThat(root.get("model").asText()).isEqualTo(SERIES.model());
                for (JsonNode b : root.get("buckets")) {
                    rows.put(OffsetDateTime.parse(b.get("start").asText()).toInstant().toString(), totals(b));
                }
                rows.put(TOTAL, totals(root.get("total")));
            }
            case "table" -> {
                DateTimeFormatter hour = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");
                // for people: thousands separators, which CSV and JSON must not have
                for (String line : out.replace(",", "").lines().toList()) {
                    String[] f = line.trim().split("\\s{2,}");
                    if (f[0].matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d")) {
                        rows.put(LocalDateTime.parse(f[0], hour).atZone(CHINA).toInstant().toString(),
                                totals(f[1], f[2], f[3], f[4], f[5]));
                    } else if (f[0].equals(TOTAL)) {
                        rows.put(TOTAL, totals(f[1], f[2], f[3], f[4], f[5]));
                    }
                }
            }
            default -> throw new IllegalArgumentException(format);
        }
        return rows;
    }

    private static UsageTotals totals(String in, String out, String total, String requests, String images) {
        return new UsageTotals(Long.parseLong(in), Long.parseLong(out), Long.parseLong(total),
                Long.parseLong(requests), Long.parseLong(images));
    }

    private static UsageTotals totals(JsonNode n) {
        return new UsageTotals(n.get("inputTokens").asLong(), n.get("outputTokens").asLong(),
                n.get("totalTokens").asLong(), n.get("requests").asLong(), n.get("images").asLong());
    }

    @ParameterizedTest(name = "projectId \"{0}\"")
    @ValueSource(strings = {"", "org-e2e"})
    void sendsProjectIdOnlyWhenOneIsConfigured(String projectId) {
        Cli.Run run = usage(config(sim.privateKey().reveal(), projectId), SPIKE_DAY, "hour", "csv");

        run.exits(0);
        assertThat(sim.requests()).hasSize(1).allSatisfy(params -> {
            if (projectId.isEmpty()) {
                assertThat(params).doesNotContainKey("ProjectId");
            } else {
                assertThat(params).containsEntry("ProjectId", projectId);
            }
            assertThat(params).containsEntry("KeyId", SERIES.keyId()).containsEntry("Model", SERIES.model());
        });
    }

    @Test
    void aWrongPrivateKeyFailsAtOnceSayingTheSignatureWasRejectedWithoutShowingAnyKey() {
        String wrongKey = "not-the-simulators-private-key";

        Cli.Run run = usage(config(wrongKey, ""), SPIKE_DAY, "hour", "table");

        run.exits(1);
        assertThat(run.err()).contains("signature").contains("RetCode 171");
        assertThat(run.all()).doesNotContain(wrongKey).doesNotContain(sim.privateKey().reveal());
        assertThat(sim.requests()).as("a rejected signature is not retried").hasSize(1);
    }

    @Test
    void fetchesAThirtyOneDayWindowAsDaySlices() throws Exception {
        Window october = new Window(Scenario.day("2026-10-01").start(), Scenario.day("2026-11-01").start());

        Cli.Run run = usage(config(), october, "day", "csv");

        run.exits(0);
        assertThat(sim.requests()).hasSize(31);
        List<String> lines = run.out().lines().toList();
        assertThat(lines).hasSize(1 + 31);
        assertThat(lines.get(1)).startsWith("2026-10-01T00:00:00+08:00,");
        assertThat(lines.get(31)).startsWith("2026-10-31T00:00:00+08:00,");
        assertThat(parse("csv", run.out())).containsEntry(TOTAL, sim.expected(SERIES, october));
    }

    @Test
    void readingUsageAndDryRunsNeedNoChannelSecretsButValidateAndSendingDo() {
        Map<String, String> values = new HashMap<>(Scenario.ucloud(sim));
        values.put("STATE_URL", "jdbc:h2:file:" + dir.resolve("state").resolve("budgetbot").toAbsolutePath());
        String config = Scenario.config(dir, "unset-secrets.yml", values).toString();
        String at = Scenario.arg(Scenario.at("2026-11-20T15:00"));

        Cli.run("usage", "--config", config, "--key", SERIES.keyId(), "--model", SERIES.model(),
                "--from", Scenario.arg(SPIKE_DAY.start()), "--to", at).exits(0);
        assertThat(Cli.run("check", "--config", config, "--at", at, "--dry-run").exits(0).out())
                .contains("would send to team-slack: ", "would send to finance-email: ");
        Cli.run("digest", "--config", config, "--name", "daily", "--at", at, "--dry-run").exits(0);

        for (String[] delivering : List.of(new String[]{"validate"}, new String[]{"check", "--at", at},
                new String[]{"digest", "--name", "daily", "--at", at})) {
            List<String> args = new ArrayList<>(List.of(delivering));
            args.addAll(List.of("--config", config));
            assertThat(Cli.run(args.toArray(String[]::new)).exits(2).err()).contains(
                    "environment variable BUDGETBOT_E2E_UNSET_WEBHOOK is not set",
                    "environment variable BUDGETBOT_E2E_UNSET_SMTP_PASSWORD is not set");
        }
    }

    @Test
    void settledDaysComeFromTheCacheUntilClearedAndNoCacheAsksUCloudForAll() {
        Window fiveDays = new Window(Scenario.day("2026-10-10").start(), Scenario.day("2026-10-15").start());
        Path config = config();

        Cli.Run cold = usage(config, fiveDays, "day", "csv");
        cold.exits(0);
        assertThat(sim.requests()).as("one request per day").hasSize(5);

        Cli.Run warm = usage(config, fiveDays, "day", "csv");
        warm.exits(0);
        assertThat(sim.requests()).as("settled days are read from the cache").hasSize(5);
        assertThat(warm.out()).isEqualTo(cold.out());

        Cli.Run direct = Cli.run("usage", "--config", config.toString(), "--key", SERIES.keyId(), "--model",
                SERIES.model(), "--from", Scenario.arg(fiveDays.start()), "--to", Scenario.arg(fiveDays.end()),
                "--by", "day", "--format", "csv", "--no-cache");
        direct.exits(0);
        assertThat(sim.requests()).hasSize(10);
        assertThat(direct.out()).isEqualTo(cold.out());

        Cli.Run clear = Cli.run("cache", "clear", "--config", config.toString(), "--key", SERIES.keyId(),
                "--before", "2026-10-13");
        clear.exits(0);
        assertThat(clear.out()).contains("cleared 3 cached days");
        usage(config, fiveDays, "day", "csv").exits(0);
        assertThat(sim.requests()).as("the three cleared days, fetched again").hasSize(13);
    }

    @ParameterizedTest
    @EnumSource(value = Fault.Kind.class, names = {"HTTP500", "RET153"})
    void retriesTwoFailuresToSuccess(Fault.Kind kind) throws Exception {
        sim.faults().enqueue(Fault.of(kind), 2);

        Cli.Run run = usage(config(), SPIKE_DAY, "hour", "json");

        run.exits(0);
        assertThat(sim.requests()).hasSize(3);
        assertThat(sim.faults().pending()).isZero();
        assertThat(parse("json", run.out())).containsEntry(TOTAL, sim.expected(SERIES, SPIKE_DAY));
    }
}

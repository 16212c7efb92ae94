package budgetbot.cli;

import budgetbot.config.BotConfig;
import budgetbot.time.PeriodCalendar;
import budgetbot.time.PeriodUnit;
import budgetbot.time.Window;
import budgetbot.ucloud.UCloudClient;
import budgetbot.usage.Series;
import budgetbot.usage.Usage;
import budgetbot.usage.UsageBucket;
import budgetbot.usage.UsageTotals;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

@Command(name = "usage", mixinStandardHelpOptions = true,
        description = "Fetch token usage of one key and model from UCloud and print it per bucket and in total.")
final class UsageCommand implements Callable<Integer> {
    enum By { hour, day }

    enum Format { table, csv, json }

    /** The counts' names in CSV and JSON alike. */
    private static final List<String> COLUMNS = List.of("inputTokens", "outputTokens", "totalTokens", "requests",
            "images");

    @Mixin
    ConfigOption config;

    @Option(names = "--key", required = true, description = "API key id (KeyId)")
    String key;

    @Option(names = "--model", required = true, description = "model name")
    String model;

    @Option(names = "--from", description = "start (default: today 00:00 in the config's timezone)")
    String from;

    @Option(names = "--to", description = "end (default: now)")
    String to;

    @Option(names = "--by", defaultValue = "hour", description = "bucket: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE})")
    By by;

    @Option(names = "--format", defaultValue = "table", description = "${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE})")
    Format format;

    @Override
    public Integer call() throws Exception {
        // reading usage sends nothing, so a channel's secrets need not be set
        BotConfig cfg = config.loadToInspect();
        ZoneId zone = cfg.calendar().zone();
        Instant now = Clock.systemUTC().instant();
        Instant end = to == null ? now : Times.parse(to, zone, now);
        Instant start = from == null ? cfg.calendar().periodOf(PeriodUnit.DAY, now).start() : Times.parse(from, zone, now);
        if (!start.isBefore(end)) {
            throw new IllegalArgumentException("--from must be before --to");
        }
        Usage usage;
        try (UCloudClient client = UCloudClient.create(cfg.ucloud(), zone)) {
            usage = client.fetch(new Series(key, model), new Window(start, end));
        }
        print(usage, cfg.calendar(), System.out);
        return 0;
    }

    /**
     * Prints the buckets and the total. Times are ISO-8601 with the config's offset, to the second; CSV has one
     * row per bucket under the column names JSON uses (camelCase), and no total row: a total is a sum of the rows.
     */
    void print(Usage usage, PeriodCalendar calendar, PrintStream out) throws Exception {
        ZoneId zone = calendar.zone();
        Map<Instant, UsageTotals> rows = rebucket(usage.buckets(), calendar);
        DateTimeFormatter fmt = by == By.hour ? DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm") : DateTimeFormatter.ISO_LOCAL_DATE;
        switch (format) {
            case table -> {
                out.printf("%s x %s, %s .. %s (%s)%n", usage.series().keyId(), usage.series().model(),
                        time(usage.window().start(), zone), time(usage.window().end(), zone), zone);
                String row = "%-16s %14s %14s %14s %10s %8s%n";
                out.printf(row, by == By.hour ? "hour" : "day", "input", "output", "total", "requests", "images");
                rows.forEach((t, u) -> out.printf(row, fmt.format(t.atZone(zone)), u.inputTokens(), u.outputTokens(),
                        u.totalTokens(), u.requests(), u.images()));
                UsageTotals t = usage.totals();
                out.printf(row, "TOTAL", t.inputTokens(), t.outputTokens(), t.totalTokens(), t.requests(), t.images());
            }
            case csv -> {
                out.println("start," + String.join(",", COLUMNS));
                rows.forEach((t, u) -> out.println(time(t, zone) + "," + u.inputTokens() + "," + u.outputTokens() + ","
                        + u.totalTokens() + "," + u.requests() + "," + u.images()));
            }
            case json -> {
                ObjectMapper json = new ObjectMapper();
                ObjectNode root = json.createObjectNode();
                root.put("key", usage.series().keyId()).put("model", usage.series().model())
                        .put("from", time(usage.window().start(), zone)).put("to", time(usage.window().end(), zone));
                ArrayNode buckets = root.putArray("buckets");
                rows.forEach((t, u) -> totals(buckets.addObject().put("start", time(t, zone)), u));
                totals(root.putObject("total"), usage.totals());
                out.println(json.writerWithDefaultPrettyPrinter().writeValueAsString(root));
            }
        }
    }

    private static String time(Instant t, ZoneId zone) {
        return DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(t.truncatedTo(ChronoUnit.SECONDS).atZone(zone));
    }

    private Map<Instant, UsageTotals> rebucket(List<UsageBucket> buckets, PeriodCalendar calendar) {
        PeriodUnit unit = by == By.hour ? PeriodUnit.HOUR : PeriodUnit.DAY;
        Map<Instant, UsageTotals> rows = new TreeMap<>();
        for (UsageBucket b : buckets) {
            rows.merge(calendar.periodOf(unit, b.timestamp()).start(), b.totals(), UsageTotals::plus);
        }
        return rows;
    }

    private static void totals(ObjectNode node, UsageTotals u) {
        node.put(COLUMNS.get(0), u.inputTokens()).put(COLUMNS.get(1), u.outputTokens())
                .put(COLUMNS.get(2), u.totalTokens()).put(COLUMNS.get(3), u.requests()).put(COLUMNS.get(4), u.images());
    }
}

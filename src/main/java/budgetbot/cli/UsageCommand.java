package budgetbot.cli;

import budgetbot.app.App;
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
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

@Command(name = "usage", mixinStandardHelpOptions = true,
        description = "Fetch token usage of one key and model from UCloud and print it per bucket and in total.")
final class UsageCommand implements Callable<Integer> {
    enum By { hour, day }

    enum Format { table, csv, json }

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

    @Option(names = "--no-cache", description = "ask UCloud for the whole window instead of reading settled days from "
            + "the usage cache in the state database")
    boolean noCache;

    @Option(names = "--format", defaultValue = "table", description = "${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE})")
    Format format;

    @Override
    public Integer call() throws Exception {
        BotConfig cfg = config.load();
        ZoneId zone = cfg.calendar().zone();
        Instant now = Clock.systemUTC().instant();
        Instant end = to == null ? now : Times.parse(to, zone, now);
        Instant start = from == null ? cfg.calendar().periodOf(PeriodUnit.DAY, now).start() : Times.parse(from, zone, now);
        if (!start.isBefore(end)) {
            throw new InputException("--from must be before --to");
        }
        Series series = new Series(key, model);
        Window window = new Window(start, end);
        Usage usage;
        if (noCache) {
            try (UCloudClient client = UCloudClient.create(cfg.ucloud(), zone)) {
                usage = client.fetch(series, window);
            }
        } else {
            // no channels: usage sends nothing
            try (App app = App.open(cfg, UCloudClient.create(cfg.ucloud(), zone), Map.of(), Clock.systemUTC())) {
                usage = app.fetcher().fetch(List.of(window), List.of(series)).get(window, series);
            }
        }
        print(usage, cfg.calendar(), System.out);
        return 0;
    }

    void print(Usage usage, PeriodCalendar calendar, PrintStream out) throws Exception {
        ZoneId zone = calendar.zone();
        Map<Instant, UsageTotals> rows = rebucket(usage.buckets(), calendar);
        DateTimeFormatter fmt = by == By.hour ? DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm") : DateTimeFormatter.ISO_LOCAL_DATE;
        switch (format) {
            case table -> {
                out.printf("%s x %s, %s .. %s (%s)%n", usage.series().keyId(), usage.series().model(),
                        usage.window().start().atZone(zone).toOffsetDateTime(), usage.window().end().atZone(zone).toOffsetDateTime(), zone);
                String row = "%-16s %14s %14s %14s %10s %8s%n";
                out.printf(row, by == By.hour ? "hour" : "day", "input", "output", "total", "requests", "images");
                rows.forEach((t, u) -> out.printf(row, fmt.format(t.atZone(zone)), u.inputTokens(), u.outputTokens(),
                        u.totalTokens(), u.requests(), u.images()));
                UsageTotals t = usage.totals();
                out.printf(row, "TOTAL", t.inputTokens(), t.outputTokens(), t.totalTokens(), t.requests(), t.images());
            }
            case csv -> {
                out.println("bucket,input_tokens,output_tokens,total_tokens,requests,images");
                rows.forEach((t, u) -> out.println(t.atZone(zone).toOffsetDateTime() + "," + csv(u)));
                out.println("total," + csv(usage.totals()));
            }
            case json -> {
                ObjectMapper json = new ObjectMapper();
                ObjectNode root = json.createObjectNode();
                root.put("key", usage.series().keyId()).put("model", usage.series().model())
                        .put("from", usage.window().start().atZone(zone).toOffsetDateTime().toString())
                        .put("to", usage.window().end().atZone(zone).toOffsetDateTime().toString());
                ArrayNode buckets = root.putArray("buckets");
                rows.forEach((t, u) -> totals(buckets.addObject().put("start", t.atZone(zone).toOffsetDateTime().toString()), u));
                totals(root.putObject("total"), usage.totals());
                out.println(json.writerWithDefaultPrettyPrinter().writeValueAsString(root));
            }
        }
    }

    private Map<Instant, UsageTotals> rebucket(List<UsageBucket> buckets, PeriodCalendar calendar) {
        PeriodUnit unit = by == By.hour ? PeriodUnit.HOUR : PeriodUnit.DAY;
        Map<Instant, UsageTotals> rows = new TreeMap<>();
        for (UsageBucket b : buckets) {
            rows.merge(calendar.periodOf(unit, b.timestamp()).start(), b.totals(), UsageTotals::plus);
        }
        return rows;
    }

    private static String csv(UsageTotals u) {
        return u.inputTokens() + "," + u.outputTokens() + "," + u.totalTokens() + "," + u.requests() + "," + u.images();
    }

    private static void totals(ObjectNode node, UsageTotals u) {
        node.put("inputTokens", u.inputTokens()).put("outputTokens", u.outputTokens()).put("totalTokens", u.totalTokens())
                .put("requests", u.requests()).put("images", u.images());
    }
}

package budgetbot.cli;

import budgetbot.app.App;
import budgetbot.config.BotConfig;
import budgetbot.config.Selection;
import budgetbot.config.Suggest;
import budgetbot.time.PeriodCalendar;
import budgetbot.time.PeriodUnit;
import budgetbot.rules.UsageSnapshot;
import budgetbot.time.Window;
import budgetbot.ucloud.UCloudClient;
import budgetbot.usage.ApiKey;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

@Command(name = "usage", mixinStandardHelpOptions = true,
        description = {"Fetch token usage of one key and model from UCloud and print it per bucket and in total.",
                "--key \"*\" stands for every enabled key of the project, --model \"*\" for every model each key may",
                "call; what they stand for is printed first, then the usage of each key x model (csv gets key and",
                "model columns, json a list)."})
final class UsageCommand implements Callable<Integer> {
    enum By { hour, day }

    enum Format { table, csv, json }

    @Mixin
    ConfigOption config;

    @Option(names = "--key", required = true, description = "API key id (KeyId), or \"*\" for every enabled key")
    String key;

    @Option(names = "--model", required = true, description = "model name, or \"*\" for every model the key may call")
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
        boolean several = key.equals(Selection.EVERY) || model.equals(Selection.EVERY);
        Window window = new Window(start, end);
        UCloudClient client = UCloudClient.create(cfg.ucloud(), zone);
        if (noCache) {
            try (client) {
                List<Usage> usages = new ArrayList<>();
                for (Series series : series(client, several, now)) {
                    usages.add(client.fetch(series, window));
                }
                print(usages, several, cfg.calendar(), System.out);
            }
        } else {
            // no channels: usage sends nothing; printed while the app is open, since cached buckets load lazily
            try (App app = App.open(cfg, client, client, Map.of(), Clock.systemUTC())) {
                List<Series> series = series(client, several, now);
                UsageSnapshot snapshot = app.fetcher().fetch(List.of(window), series);
                print(series.stream().map(s -> snapshot.get(window, s)).toList(), several, cfg.calendar(), System.out);
            }
        }
        return 0;
    }

    private List<Series> series(UCloudClient client, boolean several, Instant now) {
        return several ? expand(client.apiKeys(), now) : List.of(new Series(key, model));
    }

    /**
     * The series {@code --key} and {@code --model} stand for when one of them is {@code *}; says what that is, on
     * stdout before a table, on stderr for csv and json, which stdout then carries alone.
     */
    private List<Series> expand(List<ApiKey> listed, Instant now) {
        PrintStream note = format == Format.table ? System.out : System.err;
        List<ApiKey> keys = key.equals(Selection.EVERY) ? listed.stream().filter(k -> k.usableAt(now)).toList()
                : listed.stream().filter(k -> k.id().equals(key)).toList();
        List<String> ids = listed.stream().map(ApiKey::id).toList();
        if (keys.isEmpty()) {
            throw new IllegalArgumentException(key.equals(Selection.EVERY) ? "no enabled, unexpired API key in the project"
                    : "UCloud lists no key \"" + key + "\"" + Suggest.didYouMean(key, ids) + "; the project's keys: "
                    + Suggest.names(ids, 20));
        }
        if (key.equals(Selection.EVERY)) {
            note.println("--key \"*\" = " + String.join(", ", keys.stream().map(ApiKey::id).toList()));
        }
        List<Series> series = new ArrayList<>();
        for (ApiKey k : keys) {
            List<String> models = model.equals(Selection.EVERY) ? k.models().orElse(List.of()) : List.of(model);
            if (model.equals(Selection.EVERY)) {
                note.println("--model \"*\" for " + k.id() + " = " + String.join(", ", models));
            }
            models.forEach(m -> series.add(new Series(k.id(), m)));
        }
        return series;
    }

    /** One usage as before; several (from {@code *}) with their key and model on every csv row, or as a json list. */
    private void print(List<Usage> usages, boolean several, PeriodCalendar calendar, PrintStream out) throws Exception {
        ZoneId zone = calendar.zone();
        DateTimeFormatter fmt = by == By.hour ? DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm") : DateTimeFormatter.ISO_LOCAL_DATE;
        ObjectMapper json = new ObjectMapper();
        ArrayNode list = json.createArrayNode();
        if (format == Format.csv) {
            out.println((several ? "key,model," : "") + "bucket,input_tokens,output_tokens,total_tokens,requests,images");
        }
        for (Usage usage : usages) {
            Map<Instant, UsageTotals> rows = rebucket(usage.buckets(), calendar);
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
                    String series = several ? usage.series().keyId() + "," + usage.series().model() + "," : "";
                    rows.forEach((t, u) -> out.println(series + t.atZone(zone).toOffsetDateTime() + "," + csv(u)));
                    out.println(series + "total," + csv(usage.totals()));
                }
                case json -> {
                    ObjectNode root = list.addObject();
                    root.put("key", usage.series().keyId()).put("model", usage.series().model())
                            .put("from", usage.window().start().atZone(zone).toOffsetDateTime().toString())
                            .put("to", usage.window().end().atZone(zone).toOffsetDateTime().toString());
                    ArrayNode buckets = root.putArray("buckets");
                    rows.forEach((t, u) -> totals(buckets.addObject().put("start", t.atZone(zone).toOffsetDateTime().toString()), u));
                    totals(root.putObject("total"), usage.totals());
                }
            }
        }
        if (format == Format.json) {
            out.println(json.writerWithDefaultPrettyPrinter().writeValueAsString(several ? list : list.get(0)));
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

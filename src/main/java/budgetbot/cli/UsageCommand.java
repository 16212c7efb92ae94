package budgetbot.cli;

import budgetbot.app.App;
import budgetbot.config.BotConfig;
import budgetbot.config.Selection;
import budgetbot.config.Suggest;
import budgetbot.render.UsageTable;
import budgetbot.rules.UsageSnapshot;
import budgetbot.time.PeriodUnit;
import budgetbot.time.Window;
import budgetbot.ucloud.UCloudClient;
import budgetbot.usage.ApiKey;
import budgetbot.usage.Series;
import budgetbot.usage.Usage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "usage", mixinStandardHelpOptions = true,
        description = {"Fetch token usage of one key and model from UCloud and print it per bucket and in total.",
                "--key \"*\" stands for every enabled key of the project, --model \"*\" for every model each key may",
                "call; what they stand for is printed first, then the usage of each key x model (csv gets key and",
                "model columns, json a list)."})
final class UsageCommand implements Callable<Integer> {
    enum By { hour, day }

    @Mixin
    ConfigOption config;

    @Option(names = "--key", required = true, description = "API key id (KeyId), or \"*\" for every enabled key")
    String key;

    @Option(names = "--model", required = true, description = "model name, or \"*\" for every model the key may call")
    String model;

    @Option(names = "--from", paramLabel = "TIME", description = "start (default: today 00:00 in the config's "
            + "timezone): " + Times.FORMS)
    String from;

    @Option(names = "--to", paramLabel = "TIME", description = "end (default: now), in a form --from takes")
    String to;

    @Option(names = "--by", defaultValue = "hour", description = "bucket: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE})")
    By by;

    @Option(names = "--no-cache", description = "ask UCloud for the whole window instead of reading settled days from "
            + "the usage cache in the state database")
    boolean noCache;

    @Option(names = "--format", defaultValue = "table", description = "${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE})")
    UsageTable.Format format;

    @Override
    public Integer call() throws Exception {
        // reading usage sends nothing, so a channel's secrets need not be set
        BotConfig cfg = config.loadToInspect();
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
                print(usages, several, cfg);
            }
        } else {
            // no channels: usage sends nothing; printed while the app is open, since cached buckets load lazily
            try (App app = App.open(cfg, client, client, Map.of(), Clock.systemUTC())) {
                List<Series> series = series(client, several, now);
                UsageSnapshot snapshot = app.fetcher().fetch(List.of(window), series);
                print(series.stream().map(s -> snapshot.get(window, s)).toList(), several, cfg);
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
        PrintStream note = format == UsageTable.Format.table ? System.out : System.err;
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

    private void print(List<Usage> usages, boolean several, BotConfig cfg) throws Exception {
        UsageTable.print(usages, several, cfg.calendar(), by == By.hour ? PeriodUnit.HOUR : PeriodUnit.DAY,
                cfg.prices(), format, System.out);
    }
}

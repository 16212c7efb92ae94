package budgetbot.render;

import budgetbot.time.PeriodCalendar;
import budgetbot.time.PeriodUnit;
import budgetbot.usage.Usage;
import budgetbot.usage.UsageBucket;
import budgetbot.usage.UsageTotals;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@code budgetbot usage} prints: the buckets and the total of each usage, as a table, CSV or JSON; several
 * usages (from {@code *}) with their key and model on every CSV row, or as a JSON list. Times are ISO-8601 with the
 * config's offset, to the second; CSV has one row per bucket under the column names JSON uses (camelCase), and no
 * total row: a total is a sum of the rows.
 */
public final class UsageTable {
    /** How it is printed. */
    public enum Format { table, csv, json }

    /** The counts' names in CSV and JSON alike. */
    private static final List<String> COLUMNS = List.of("inputTokens", "outputTokens", "totalTokens", "requests",
            "images");

    private UsageTable() {
    }

    /**
     * Prints {@code usages} to {@code out}.
     *
     * @param by      the bucket: {@link PeriodUnit#HOUR} or {@link PeriodUnit#DAY} of {@code calendar}
     * @param several whether they stand for {@code *}: key and model columns in CSV, a list in JSON
     */
    public static void print(List<Usage> usages, boolean several, PeriodCalendar calendar, PeriodUnit by,
                             Format format, PrintStream out) throws JsonProcessingException {
        ZoneId zone = calendar.zone();
        DateTimeFormatter fmt = by == PeriodUnit.HOUR ? DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")
                : DateTimeFormatter.ISO_LOCAL_DATE;
        ObjectMapper json = new ObjectMapper();
        ArrayNode list = json.createArrayNode();
        if (format == Format.csv) {
            out.println((several ? "key,model," : "") + "start," + String.join(",", COLUMNS));
        }
        for (Usage usage : usages) {
            Map<Instant, UsageTotals> rows = rebucket(usage.buckets(), calendar, by);
            switch (format) {
                case table -> {
                    out.printf("%s x %s, %s .. %s (%s)%n", usage.series().keyId(), usage.series().model(),
                            time(usage.window().start(), zone), time(usage.window().end(), zone), zone);
                    String row = "%-16s %14s %14s %14s %10s %8s%n";
                    out.printf(row, by == PeriodUnit.HOUR ? "hour" : "day", "input", "output", "total", "requests",
                            "images");
                    rows.forEach((t, u) -> out.printf(row, fmt.format(t.atZone(zone)), u.inputTokens(),
                            u.outputTokens(), u.totalTokens(), u.requests(), u.images()));
                    UsageTotals t = usage.totals();
                    out.printf(row, "TOTAL", t.inputTokens(), t.outputTokens(), t.totalTokens(), t.requests(),
                            t.images());
                }
                case csv -> {
                    String series = several ? usage.series().keyId() + "," + usage.series().model() + "," : "";
                    rows.forEach((t, u) -> out.println(series + time(t, zone) + "," + u.inputTokens() + ","
                            + u.outputTokens() + "," + u.totalTokens() + "," + u.requests() + "," + u.images()));
                }
                case json -> {
                    ObjectNode root = list.addObject();
                    root.put("key", usage.series().keyId()).put("model", usage.series().model())
                            .put("from", time(usage.window().start(), zone)).put("to", time(usage.window().end(), zone));
                    ArrayNode buckets = root.putArray("buckets");
                    rows.forEach((t, u) -> totals(buckets.addObject().put("start", time(t, zone)), u));
                    totals(root.putObject("total"), usage.totals());
                }
            }
        }
        if (format == Format.json) {
            out.println(json.writerWithDefaultPrettyPrinter().writeValueAsString(several ? list : list.get(0)));
        }
    }

    private static String time(Instant t, ZoneId zone) {
        return DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(t.truncatedTo(ChronoUnit.SECONDS).atZone(zone));
    }

    private static Map<Instant, UsageTotals> rebucket(List<UsageBucket> buckets, PeriodCalendar calendar,
                                                      PeriodUnit by) {
        Map<Instant, UsageTotals> rows = new TreeMap<>();
        for (UsageBucket b : buckets) {
            rows.merge(calendar.periodOf(by, b.timestamp()).start(), b.totals(), UsageTotals::plus);
        }
        return rows;
    }

    private static void totals(ObjectNode node, UsageTotals u) {
        node.put(COLUMNS.get(0), u.inputTokens()).put(COLUMNS.get(1), u.outputTokens())
                .put(COLUMNS.get(2), u.totalTokens()).put(COLUMNS.get(3), u.requests()).put(COLUMNS.get(4), u.images());
    }
}

package budgetbot.render;

import budgetbot.config.ModelPrice;
import budgetbot.config.Prices;
import budgetbot.rules.Metrics;
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
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What {@code budgetbot usage} prints: the buckets and the total of each usage, as a table, CSV or JSON; several
 * usages (from {@code *}) with their key and model on every CSV row, or as a JSON list. Times are ISO-8601 with the
 * config's offset, to the second; CSV has one row per bucket under the column names JSON uses (camelCase), and no
 * total row: a total is a sum of the rows. The table is for people (separators, cost, totals); CSV and JSON are
 * for scripts (plain numbers).
 */
public final class UsageTable {
    /** How it is printed. */
    public enum Format { table, csv, json }

    /** The counts' names in CSV and JSON alike. */
    private static final List<String> COLUMNS = List.of("inputTokens", "outputTokens", "totalTokens", "requests",
            "images");

    /** The table's columns: the bucket, then the counts; a cost column follows where there is a price. */
    private static final String COUNTS = "%-16s %14s %14s %14s %10s %8s";
    private static final String COST = " %14s";
    private static final BigDecimal CENT = new BigDecimal("0.01");

    private UsageTable() {
    }

    /**
     * Prints {@code usages} to {@code out}: the table with thousands separators, a cost column for a model
     * {@code prices} has, and, for several, a total of them all; CSV and JSON keep plain numbers for scripts (JSON
     * adds {@code cost} and {@code currency} where there is a price).
     *
     * @param by      the bucket: {@link PeriodUnit#HOUR} or {@link PeriodUnit#DAY} of {@code calendar}
     * @param several whether they stand for {@code *}: key and model columns in CSV, a list in JSON
     */
    public static void print(List<Usage> usages, boolean several, PeriodCalendar calendar, PeriodUnit by,
                             Prices prices, Format format, PrintStream out) throws JsonProcessingException {
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
            Optional<ModelPrice> price = prices.of(usage.series().model());
            switch (format) {
                case table -> {
                    out.printf("%s x %s, %s .. %s (%s)%n", usage.series().keyId(), usage.series().model(),
                            time(usage.window().start(), zone), time(usage.window().end(), zone), zone);
                    header(by == PeriodUnit.HOUR ? "hour" : "day", price.map(p -> prices.currency()), out);
                    rows.forEach((t, u) -> row(fmt.format(t.atZone(zone)), u, price.map(p -> Metrics.cost(u, p)), out));
                    row("TOTAL", usage.totals(), price.map(p -> Metrics.cost(usage.totals(), p)), out);
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
                    price.ifPresent(p -> root.put("currency", prices.currency()));
                    ArrayNode buckets = root.putArray("buckets");
                    rows.forEach((t, u) -> totals(buckets.addObject().put("start", time(t, zone)), u, price));
                    totals(root.putObject("total"), usage.totals(), price);
                }
            }
        }
        if (format == Format.table && usages.size() > 1) {
            total(usages, prices, out);
        }
        if (format == Format.json) {
            out.println(json.writerWithDefaultPrettyPrinter().writeValueAsString(several ? list : list.get(0)));
        }
    }

    /** The sum of several series; their cost where every one, or at least some, of their models has a price. */
    private static void total(List<Usage> usages, Prices prices, PrintStream out) {
        UsageTotals sum = usages.stream().map(Usage::totals).reduce(UsageTotals.ZERO, UsageTotals::plus);
        List<Usage> priced = usages.stream().filter(u -> prices.of(u.series().model()).isPresent()).toList();
        Optional<BigDecimal> cost = priced.isEmpty() ? Optional.empty() : Optional.of(priced.stream()
                .map(u -> Metrics.cost(u.totals(), prices.of(u.series().model()).orElseThrow()))
                .reduce(BigDecimal.ZERO, BigDecimal::add));
        out.printf("all %d key x model series%n", usages.size());
        header("", cost.map(c -> prices.currency()), out);
        row("TOTAL", sum, cost, out);
        List<String> unpriced = usages.stream().map(u -> u.series().model())
                .filter(m -> prices.of(m).isEmpty()).distinct().sorted().toList();
        if (cost.isPresent() && !unpriced.isEmpty()) {
            out.println("the cost leaves out what has no price in prices.models: " + String.join(", ", unpriced));
        }
    }

    private static void header(String bucket, Optional<String> currency, PrintStream out) {
        out.println(String.format(Locale.ROOT, COUNTS, bucket, "input", "output", "total", "requests", "images")
                + currency.map(c -> String.format(Locale.ROOT, COST, "cost " + c)).orElse(""));
    }

    private static void row(String label, UsageTotals u, Optional<BigDecimal> cost, PrintStream out) {
        out.println(String.format(Locale.ROOT, COUNTS, label, grouped(u.inputTokens()), grouped(u.outputTokens()),
                grouped(u.totalTokens()), grouped(u.requests()), grouped(u.images()))
                + cost.map(c -> String.format(Locale.ROOT, COST, money(c))).orElse(""));
    }

    private static String grouped(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** Two decimals, as prices are read; more for a cost too small to show in two, which is not nothing. */
    private static String money(BigDecimal cost) {
        int scale = cost.signum() != 0 && cost.abs().compareTo(CENT) < 0 ? 6 : 2;
        return String.format(Locale.ROOT, "%,." + scale + "f", cost.setScale(scale, RoundingMode.HALF_UP));
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

    private static void totals(ObjectNode node, UsageTotals u, Optional<ModelPrice> price) {
        node.put(COLUMNS.get(0), u.inputTokens()).put(COLUMNS.get(1), u.outputTokens())
                .put(COLUMNS.get(2), u.totalTokens()).put(COLUMNS.get(3), u.requests()).put(COLUMNS.get(4), u.images());
        price.ifPresent(p -> node.put("cost", Metrics.cost(u, p).setScale(6, RoundingMode.HALF_UP)));
    }
}

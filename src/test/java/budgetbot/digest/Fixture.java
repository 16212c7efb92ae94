package budgetbot.digest;

import budgetbot.config.BotConfig;
import budgetbot.config.Budget;
import budgetbot.config.DigestConfig;
import budgetbot.config.GroupBy;
import budgetbot.config.Metric;
import budgetbot.config.ModelPrice;
import budgetbot.config.Prices;
import budgetbot.config.RuleConfig;
import budgetbot.config.Selection;
import budgetbot.rules.UsageSnapshot;
import budgetbot.time.PeriodCalendar;
import budgetbot.time.PeriodUnit;
import budgetbot.time.Window;
import budgetbot.usage.Series;
import budgetbot.usage.Usage;
import budgetbot.usage.UsageBucket;
import budgetbot.usage.UsageTotals;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Two keys x two models with hourly buckets on 25 and 26 Nov 2026 (Asia/Shanghai): in hour h of day d a series
 * uses {@code BASE[series][d] * (h + 1)} input tokens, a tenth of that as output, and h + 1 requests.
 */
public final class Fixture {
    public static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");
    public static final PeriodCalendar CALENDAR = PeriodCalendar.of(ZONE);
    public static final LocalDate DAY0 = LocalDate.of(2026, 11, 25);
    public static final LocalDate DAY1 = DAY0.plusDays(1);
    /** Thu 27 Nov 08:00 local: the daily digest reports on 26 Nov against 25 Nov. */
    public static final Instant AT = DAY1.plusDays(1).atTime(8, 0).atZone(ZONE).toInstant();

    public static final Series K1_BIG = new Series("k1", "big");
    public static final Series K1_SMALL = new Series("k1", "small");
    public static final Series K2_BIG = new Series("k2", "big");
    public static final Series K2_SMALL = new Series("k2", "small");
    public static final List<Series> SERIES = List.of(K1_BIG, K1_SMALL, K2_BIG, K2_SMALL);
    /** Input tokens per hour factor on day 0 and day 1: up, down, up, new. */
    public static final Map<Series, long[]> BASE = Map.of(K1_BIG, new long[]{1000, 1500}, K1_SMALL, new long[]{2000, 1000},
            K2_BIG, new long[]{500, 1200}, K2_SMALL, new long[]{0, 300});

    public static final ModelPrice BIG = new ModelPrice(new BigDecimal("4"), new BigDecimal("12"), BigDecimal.ZERO);
    public static final ModelPrice SMALL = new ModelPrice(new BigDecimal("0.5"), new BigDecimal("1.5"), BigDecimal.ZERO);
    public static final Prices PRICES = new Prices("CNY", Map.of("big", BIG, "small", SMALL));

    public static final Budget DAILY_TOKENS = budget(Metric.TOKENS, PeriodUnit.DAY, "2000000");
    public static final Budget DAILY_COST = budget(Metric.COST, PeriodUnit.DAY, "10");
    public static final Budget WEEKLY_TOKENS = budget(Metric.TOKENS, PeriodUnit.WEEK, "20000000");

    private Fixture() {
    }

    public static Budget budget(Metric metric, PeriodUnit period, String limit) {
        return new Budget(metric, period, new BigDecimal(limit), List.of(new BigDecimal("0.8"), BigDecimal.ONE),
                true, new BigDecimal("0.1"));
    }

    public static RuleConfig rule(String name, GroupBy groupBy, List<String> keys, List<String> models, Budget... budgets) {
        return new RuleConfig(name, "0 */5 * * * ?", Selection.of(keys), Selection.of(models), groupBy,
                List.of(budgets), List.of(), List.of("ops"), Optional.empty(), Duration.ofMinutes(30));
    }

    public static RuleConfig prod() {
        return rule("prod", GroupBy.ALL, List.of("k1", "k2"), List.of("big", "small"), DAILY_TOKENS, DAILY_COST,
                WEEKLY_TOKENS);
    }

    public static DigestConfig digest(PeriodUnit period, List<String> rules, List<String> keys, List<String> models) {
        return new DigestConfig("daily-summary", "0 0 8 * * ?", period, rules, keys, models, List.of("finance"), 5);
    }

    public static DigestConfig daily() {
        return digest(PeriodUnit.DAY, List.of("prod"), List.of(), List.of());
    }

    public static BotConfig config(Prices prices, List<RuleConfig> rules, DigestConfig... digests) {
        return new BotConfig(Path.of("rules.yml"), CALENDAR, null, null, prices, Map.of(), rules, List.of(digests),
                Optional.empty());
    }

    public static BotConfig config() {
        return config(PRICES, List.of(prod()), daily());
    }

    public static long input(Series s, int day, int hour) {
        return BASE.get(s)[day] * (hour + 1);
    }

    /** The fixture's hourly buckets of one series on day 0 and day 1. */
    public static List<UsageBucket> buckets(Series s) {
        List<UsageBucket> out = new ArrayList<>();
        for (int day = 0; day < 2; day++) {
            for (int hour = 0; hour < 24; hour++) {
                long in = input(s, day, hour);
                if (in > 0) {
                    Instant t = DAY0.plusDays(day).atTime(hour, 0).atZone(ZONE).toInstant();
                    out.add(new UsageBucket(t, new UsageTotals(in, in / 10, in + in / 10, hour + 1, 0), Map.of()));
                }
            }
        }
        return out;
    }

    /**
     * What a source returns for these buckets: each window's buckets and their sum as totals; a series of
     * {@link #SERIES} without buckets used nothing.
     */
    public static UsageSnapshot snapshot(Collection<Window> windows, Map<Series, List<UsageBucket>> buckets) {
        Map<Series, List<UsageBucket>> all = new HashMap<>(buckets);
        SERIES.forEach(s -> all.putIfAbsent(s, List.of()));
        Map<Window, Map<Series, Usage>> byWindow = new HashMap<>();
        for (Window w : windows) {
            Map<Series, Usage> m = new HashMap<>();
            all.forEach((s, bs) -> {
                List<UsageBucket> in = bs.stream().filter(b -> w.contains(b.timestamp())).toList();
                UsageTotals t = in.stream().map(UsageBucket::totals).reduce(UsageTotals.ZERO, UsageTotals::plus);
                m.put(s, new Usage(s, w, t, in));
            });
            byWindow.put(w, m);
        }
        return new UsageSnapshot(byWindow);
    }

    public static UsageSnapshot snapshot(DigestPlan plan) {
        Map<Series, List<UsageBucket>> all = new HashMap<>();
        SERIES.forEach(s -> all.put(s, buckets(s)));
        return snapshot(plan.windows(), all);
    }

    public static DigestPlan dailyPlan() {
        return DigestPlan.of(daily(), config(), AT);
    }

    public static DigestReport dailyReport() {
        DigestPlan plan = dailyPlan();
        return DigestBuilder.build(plan, config(), snapshot(plan), List.of(), List.of());
    }
}

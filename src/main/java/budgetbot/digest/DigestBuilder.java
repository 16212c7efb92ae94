package budgetbot.digest;

import budgetbot.config.BotConfig;
import budgetbot.config.Budget;
import budgetbot.config.GroupBy;
import budgetbot.config.Metric;
import budgetbot.config.ModelPrice;
import budgetbot.config.RuleConfig;
import budgetbot.rules.Finding;
import budgetbot.rules.Kind;
import budgetbot.rules.Projection;
import budgetbot.rules.UsageSnapshot;
import budgetbot.time.PeriodUnit;
import budgetbot.time.Window;
import budgetbot.usage.Series;
import budgetbot.usage.Usage;
import budgetbot.usage.UsageBucket;
import budgetbot.usage.UsageTotals;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;

/** Turns fetched usage, the evaluator's current findings and the fired alerts into a {@link DigestReport}. */
public final class DigestBuilder {
    private static final Logger log = LoggerFactory.getLogger(DigestBuilder.class);

    static final String OVERALL_GROUP = "Total";

    private final DigestPlan plan;
    private final BotConfig cfg;
    private final UsageSnapshot usage;
    private final List<Finding> findings;
    private final List<FiredAlert> fired;
    private final List<Instant> slots;

    private DigestBuilder(DigestPlan plan, BotConfig cfg, UsageSnapshot usage, List<Finding> findings,
                          List<FiredAlert> fired) {
        this.plan = plan;
        this.cfg = cfg;
        this.usage = usage;
        this.findings = List.copyOf(findings);
        this.fired = List.copyOf(fired);
        this.slots = slots(plan.report(), plan.period(), plan.calendar().zone());
    }

    /**
     * The digest's content.
     *
     * @param usage           usage of every series of {@code plan.series()} for every window of {@code plan.windows()}
     * @param currentFindings the evaluator's BUDGET, FORECAST and ANOMALY findings for the covered rules as of now
     * @param fired           alerts announced lately; those of the report window are listed
     */
    public static DigestReport build(DigestPlan plan, BotConfig cfg, UsageSnapshot usage,
                                     List<Finding> currentFindings, List<FiredAlert> fired) {
        return new DigestBuilder(plan, cfg, usage, currentFindings, fired).build();
    }

    private DigestReport build() {
        List<GroupReport> groups = plan.groups().stream().map(this::group).toList();
        Optional<GroupReport> overall = groups.size() < 2 ? Optional.empty()
                : Optional.of(section(OVERALL_GROUP, List.copyOf(plan.series()), List.of(), List.of(), List.of()));
        boolean priced = plan.series().stream().anyMatch(s -> price(s).isPresent());
        Optional<String> currency = priced ? Optional.ofNullable(cfg.prices().currency()) : Optional.empty();
        return new DigestReport(plan.digest().name(), plan.period(), plan.calendar().zone(), plan.report(),
                plan.comparison(), currency, groups, overall, plan.at(), plan.late(), List.of());
    }

    private GroupReport group(DigestGroup g) {
        List<BudgetStanding> budgets = g.rule().map(r -> standings(r, g.series())).orElse(List.of());
        List<FiredAlert> alerts = g.rule().map(r -> alertsOf(r.name())).orElse(List.of());
        List<Finding> lastHours = g.rule().map(r -> findings.stream()
                .filter(f -> f.rule().equals(r.name()) && f.kind() == Kind.ANOMALY)
                .sorted(Comparator.comparing(Finding::active).reversed())
                .limit(plan.digest().top()).toList()).orElse(List.of());
        return section(g.name(), g.series(), budgets, alerts, lastHours);
    }

    private GroupReport section(String name, List<Series> series, List<BudgetStanding> budgets,
                                List<FiredAlert> alerts, List<Finding> lastHours) {
        Map<Series, Consumption> report = amounts(series, plan.report());
        Map<Series, Consumption> previous = amounts(series, plan.comparison());
        Consumption total = Consumption.sum(report.values());
        Metric rankedBy = total.cost().isPresent() ? Metric.COST : Metric.TOKENS;
        List<SeriesLine> lines = series.stream()
                .map(s -> new SeriesLine(s, new Change(previous.get(s).value(rankedBy), report.get(s).value(rankedBy))))
                .toList();
        int top = plan.digest().top();
        // decreases are news too: the largest changes either way
        List<SeriesLine> movers = lines.stream().filter(l -> l.change().delta().signum() != 0)
                .sorted(Comparator.comparing((SeriesLine l) -> l.change().delta().abs()).reversed()
                        .thenComparing(SeriesLine::series))
                .limit(top).toList();
        List<SeriesLine> consumers = lines.stream().filter(l -> l.change().current().signum() > 0)
                .sorted(Comparator.comparing((SeriesLine l) -> l.change().current()).reversed()
                        .thenComparing(SeriesLine::series))
                .limit(top).toList();
        List<String> unpriced = series.stream().map(Series::model).distinct()
                .filter(m -> cfg.prices() == null || cfg.prices().of(m).isEmpty()).sorted().toList();
        return new GroupReport(name, series, rankedBy, total, Consumption.sum(previous.values()), budgets, alerts,
                movers, consumers, chart(series), unpriced, lastHours);
    }

    private Map<Series, Consumption> amounts(List<Series> series, Window window) {
        Map<Series, Consumption> out = new LinkedHashMap<>();
        series.forEach(s -> out.put(s, Consumption.of(usage.get(window, s).totals(), price(s))));
        return out;
    }

    private Optional<ModelPrice> price(Series s) {
        return cfg.prices() == null ? Optional.empty() : cfg.prices().of(s.model());
    }

    /** Sums the source's buckets into the chart's bars; the totals stay the source's own. */
    private List<ChartPoint> chart(List<Series> series) {
        List<Consumption> bars = new ArrayList<>(Collections.nCopies(slots.size(), Consumption.NONE));
        for (Series s : series) {
            Usage u = usage.get(plan.report(), s);
            UsageTotals bucketSum = UsageTotals.ZERO;
            for (UsageBucket b : u.buckets()) {
                if (!plan.report().contains(b.timestamp())) {
                    continue;
                }
                int i = slotOf(b.timestamp());
                bars.set(i, bars.get(i).plus(Consumption.of(b.totals(), price(s))));
                bucketSum = bucketSum.plus(b.totals());
            }
            if (!bucketSum.equals(u.totals())) {
                log.info("digest {}: buckets of {} sum to {} tokens, its totals say {}; the chart shows the buckets",
                        plan.digest().name(), s, bucketSum.totalTokens(), u.totals().totalTokens());
            }
        }
        List<ChartPoint> points = new ArrayList<>();
        for (int i = 0; i < slots.size(); i++) {
            points.add(new ChartPoint(slots.get(i), bars.get(i)));
        }
        return points;
    }

    private int slotOf(Instant t) {
        int i = Collections.binarySearch(slots, t);
        return i >= 0 ? i : -i - 2;
    }

    /** Bar starts: 5 minutes for an hour digest, hours for a day, local days for a week or month. */
    static List<Instant> slots(Window w, PeriodUnit period, ZoneId zone) {
        List<Instant> out = new ArrayList<>();
        ZonedDateTime t = w.start().atZone(zone);
        while (t.toInstant().isBefore(w.end())) {
            out.add(t.toInstant());
            t = switch (period) {
                case HOUR -> t.plusMinutes(5);
                case DAY -> t.plusHours(1);
                case WEEK, MONTH -> t.toLocalDate().plusDays(1).atStartOfDay(zone);
            };
        }
        return out;
    }

    private List<BudgetStanding> standings(RuleConfig rule, List<Series> series) {
        List<BudgetStanding> out = new ArrayList<>();
        Map<String, List<Series>> groups = budgetGroups(rule.groupBy(), series);
        for (int i = 0; i < rule.budgets().size(); i++) {
            Budget b = rule.budgets().get(i);
            String condition = "budget[" + i + "]:";
            List<BudgetStanding> perGroup = new ArrayList<>();
            groups.forEach((group, members) -> {
                Optional<Finding> f = finding(rule, Kind.BUDGET, condition, group);
                boolean digestPeriod = b.period() == plan.period();
                Optional<BigDecimal> reportUsed = digestPeriod
                        ? Optional.of(sum(members, plan.report(), b.metric())) : Optional.empty();
                Optional<BigDecimal> currentUsed = f.map(Finding::used).or(() -> digestPeriod
                        ? Optional.of(sum(members, plan.current(), b.metric())) : Optional.empty());
                Optional<Projection> forecast = f.flatMap(Finding::forecast)
                        .or(() -> finding(rule, Kind.FORECAST, condition, group).flatMap(Finding::forecast));
                perGroup.add(new BudgetStanding(b.metric(), b.period(), b.limitFor(group), group, reportUsed, currentUsed,
                        forecast));
            });
            perGroup.stream().sorted(Comparator.comparing(BudgetStanding::worst).reversed())
                    .limit(plan.digest().top()).forEach(out::add);
        }
        return out;
    }

    private Optional<Finding> finding(RuleConfig rule, Kind kind, String conditionPrefix, String group) {
        return findings.stream().filter(f -> f.rule().equals(rule.name()) && f.kind() == kind
                && f.condition().startsWith(conditionPrefix) && f.group().equals(group)).findFirst();
    }

    private BigDecimal sum(List<Series> series, Window window, Metric metric) {
        return Consumption.sum(amounts(series, window).values()).value(metric);
    }

    /** The rule's budget groups, named as the evaluator names a finding's group. */
    private static Map<String, List<Series>> budgetGroups(GroupBy by, List<Series> series) {
        Function<Series, String> name = switch (by) {
            case ALL -> s -> "all";
            case KEY -> Series::keyId;
            case MODEL -> Series::model;
            case SERIES -> Series::toString;
        };
        Map<String, List<Series>> out = new LinkedHashMap<>();
        new TreeSet<>(series).forEach(s -> out.computeIfAbsent(name.apply(s), k -> new ArrayList<>()).add(s));
        return out;
    }

    private List<FiredAlert> alertsOf(String rule) {
        return fired.stream().filter(a -> a.rule().equals(rule) && plan.report().contains(a.at()))
                .sorted(Comparator.comparing(FiredAlert::at)).toList();
    }
}

package budgetbot.digest;

import budgetbot.config.BotConfig;
import budgetbot.config.DigestConfig;
import budgetbot.config.GroupBy;
import budgetbot.config.Metric;
import budgetbot.config.ModelPrice;
import budgetbot.config.Prices;
import budgetbot.rules.Finding;
import budgetbot.rules.Kind;
import budgetbot.rules.Projection;
import budgetbot.rules.UsageSnapshot;
import budgetbot.time.PeriodCalendar;
import budgetbot.time.PeriodUnit;
import budgetbot.time.Window;
import budgetbot.usage.Series;
import budgetbot.usage.Usage;
import budgetbot.usage.UsageTotals;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static budgetbot.digest.Fixture.K1_BIG;
import static budgetbot.digest.Fixture.K1_SMALL;
import static budgetbot.digest.Fixture.K2_BIG;
import static budgetbot.digest.Fixture.K2_SMALL;
import static budgetbot.digest.Fixture.SERIES;
import static org.assertj.core.api.Assertions.assertThat;

class DigestBuilderTest {
    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);

    /** Input tokens of a series on a fixture day, summed hour by hour. */
    private static long input(Series s, int day) {
        long sum = 0;
        for (int h = 0; h < 24; h++) {
            sum += Fixture.input(s, day, h);
        }
        return sum;
    }

    private static long output(Series s, int day) {
        long sum = 0;
        for (int h = 0; h < 24; h++) {
            sum += Fixture.input(s, day, h) / 10;
        }
        return sum;
    }

    private static BigDecimal cost(Series s, int day) {
        ModelPrice p = s.model().equals("big") ? Fixture.BIG : Fixture.SMALL;
        return BigDecimal.valueOf(input(s, day)).multiply(p.input())
                .add(BigDecimal.valueOf(output(s, day)).multiply(p.output())).divide(MILLION);
    }

    @Test
    void totalsAreTheSumsOfTheHourlyBuckets() {
        GroupReport g = Fixture.dailyReport().headline();

        long in = SERIES.stream().mapToLong(s -> input(s, 1)).sum();
        long out = SERIES.stream().mapToLong(s -> output(s, 1)).sum();
        long requests = SERIES.stream().mapToLong(s -> Fixture.BASE.get(s)[1] > 0 ? 300 : 0).sum();
        assertThat(g.report().totals()).isEqualTo(new UsageTotals(in, out, in + out, requests, 0));
        assertThat(g.previous().totals().totalTokens())
                .isEqualTo(SERIES.stream().mapToLong(s -> input(s, 0) + output(s, 0)).sum());
        assertThat(g.report().cost()).hasValueSatisfying(c -> assertThat(c).isEqualByComparingTo(
                SERIES.stream().map(s -> cost(s, 1)).reduce(BigDecimal.ZERO, BigDecimal::add)));
        assertThat(g.previous().cost()).hasValueSatisfying(c -> assertThat(c).isEqualByComparingTo(
                SERIES.stream().map(s -> cost(s, 0)).reduce(BigDecimal.ZERO, BigDecimal::add)));
        assertThat(g.chartTotal().totals()).isEqualTo(g.report().totals());
    }

    @Test
    void changeIsAgainstThePreviousPeriod() {
        GroupReport g = Fixture.dailyReport().headline();
        long now = SERIES.stream().mapToLong(s -> input(s, 1) + output(s, 1)).sum();
        long before = SERIES.stream().mapToLong(s -> input(s, 0) + output(s, 0)).sum();

        Change tokens = g.change(Metric.TOKENS);

        assertThat(tokens.delta()).isEqualByComparingTo(BigDecimal.valueOf(now - before));
        assertThat(tokens.fraction()).hasValueSatisfying(f -> assertThat(f).isEqualByComparingTo(
                BigDecimal.valueOf(now - before).divide(BigDecimal.valueOf(before), MathContext.DECIMAL64)));
        assertThat(g.rankedBy()).isEqualTo(Metric.COST);
        assertThat(g.headline()).isEqualTo(g.change(Metric.COST));
    }

    @Test
    void topConsumersAreRankedByCostAndMoversAreTheLargestChangesEitherWay() {
        GroupReport g = Fixture.dailyReport().headline();

        // day 1 cost: k1 x big 1500, k2 x big 1200 at the big price; k1 x small 1000, k2 x small 300 at the small
        assertThat(g.consumers()).extracting(SeriesLine::series).containsExactly(K1_BIG, K2_BIG, K1_SMALL, K2_SMALL);
        assertThat(g.consumers().get(0).change().current()).isEqualByComparingTo(cost(K1_BIG, 1));
        // k2 x big rose by 700 per hour factor at the big price, k1 x big by 500; k1 x small fell by 1000 at
        // the small price, which is more than k2 x small's new 300
        assertThat(g.movers()).extracting(SeriesLine::series).containsExactly(K2_BIG, K1_BIG, K1_SMALL, K2_SMALL);
        assertThat(g.movers().get(0).change().delta()).isEqualByComparingTo(cost(K2_BIG, 1).subtract(cost(K2_BIG, 0)));
        assertThat(g.movers().get(2).change().delta()).isNegative();
        assertThat(g.movers().get(3).change().isNew()).isTrue();
    }

    @Test
    void topListsAreCutAtTheDigestsTop() {
        DigestConfig d = new DigestConfig("d", "0 0 8 * * ?", PeriodUnit.DAY, List.of("prod"), List.of(), List.of(),
                List.of(), 2);
        DigestPlan plan = DigestPlan.of(d, Fixture.config(), Fixture.AT);

        GroupReport g = DigestBuilder.build(plan, Fixture.config(), Fixture.snapshot(plan), List.of(), List.of())
                .headline();

        assertThat(g.consumers()).extracting(SeriesLine::series).containsExactly(K1_BIG, K2_BIG);
        assertThat(g.movers()).extracting(SeriesLine::series).containsExactly(K2_BIG, K1_BIG);
    }

    @Test
    void withoutPricesEverythingIsRankedByTokens() {
        BotConfig cfg = Fixture.config(new Prices("CNY", Map.of()), List.of(Fixture.prod()));
        DigestPlan plan = DigestPlan.of(Fixture.daily(), cfg, Fixture.AT);

        DigestReport r = DigestBuilder.build(plan, cfg, Fixture.snapshot(plan), List.of(), List.of());

        GroupReport g = r.headline();
        assertThat(r.currency()).isEmpty();
        assertThat(g.report().cost()).isEmpty();
        assertThat(g.rankedBy()).isEqualTo(Metric.TOKENS);
        assertThat(g.unpricedModels()).containsExactly("big", "small");
        assertThat(g.consumers()).extracting(SeriesLine::series).containsExactly(K1_BIG, K2_BIG, K1_SMALL, K2_SMALL);
        assertThat(g.consumers().get(1).change().current())
                .isEqualByComparingTo(BigDecimal.valueOf(input(K2_BIG, 1) + output(K2_BIG, 1)));
    }

    @Test
    void budgetStandingsShowTheReportPeriodAndTheCurrentOneWithItsForecast() {
        DigestPlan plan = Fixture.dailyPlan();
        Window today = Fixture.CALENDAR.periodOf(PeriodUnit.DAY, Fixture.AT);
        Projection projection = new Projection(new BigDecimal("2400000"), Optional.of(Fixture.AT.plusSeconds(3600)),
                "recent rate of the last 3h");
        Finding tokensToday = new Finding("prod", Kind.BUDGET, "budget[0]:tokens/day", "all", Metric.TOKENS,
                PeriodUnit.DAY, today, false, BigDecimal.ZERO, new BigDecimal("123456"),
                Optional.of(new BigDecimal("2000000")), Optional.empty(), Optional.empty(), Optional.of(projection),
                List.of(), List.of("k1", "k2"), List.of("big", "small"));
        Finding otherRule = new Finding("dev", Kind.BUDGET, "budget[0]:tokens/day", "all", Metric.TOKENS,
                PeriodUnit.DAY, today, false, BigDecimal.ZERO, new BigDecimal("999"), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), List.of(), List.of(), List.of());

        GroupReport g = DigestBuilder.build(plan, Fixture.config(), Fixture.snapshot(plan),
                List.of(otherRule, tokensToday), List.of()).headline();

        assertThat(g.budgets()).hasSize(3);
        BudgetStanding tokens = g.budgets().get(0);
        long day1 = SERIES.stream().mapToLong(s -> input(s, 1) + output(s, 1)).sum();
        assertThat(tokens.reportUsed()).hasValueSatisfying(u -> assertThat(u).isEqualByComparingTo(
                BigDecimal.valueOf(day1)));
        assertThat(tokens.fraction(tokens.reportUsed().orElseThrow())).hasValueSatisfying(f -> assertThat(f)
                .isEqualByComparingTo(BigDecimal.valueOf(day1).divide(new BigDecimal("2000000"))));
        assertThat(tokens.currentUsed()).contains(new BigDecimal("123456"));
        assertThat(tokens.forecast()).contains(projection);

        BudgetStanding cost = g.budgets().get(1);
        assertThat(cost.metric()).isEqualTo(Metric.COST);
        assertThat(cost.reportUsed()).hasValueSatisfying(u -> assertThat(u).isEqualByComparingTo(
                SERIES.stream().map(s -> cost(s, 1)).reduce(BigDecimal.ZERO, BigDecimal::add)));
        // no finding: the current day so far comes from the fetched usage, which the fixture has none of
        assertThat(cost.currentUsed()).hasValueSatisfying(u -> assertThat(u).isZero());

        BudgetStanding weekly = g.budgets().get(2);
        assertThat(weekly.reportUsed()).isEmpty();
        assertThat(weekly.currentUsed()).isEmpty();
    }

    @Test
    void budgetsOfARuleGroupedByKeyStandPerKeyTightestFirst() {
        BotConfig cfg = Fixture.config(Fixture.PRICES, List.of(Fixture.rule("prod", GroupBy.KEY,
                List.of("k1", "k2"), List.of("big", "small"), Fixture.DAILY_TOKENS)));
        DigestPlan plan = DigestPlan.of(Fixture.daily(), cfg, Fixture.AT);

        GroupReport g = DigestBuilder.build(plan, cfg, Fixture.snapshot(plan), List.of(), List.of()).headline();

        // day 1: k1 uses 1500 + 1000, k2 1200 + 300 per hour factor
        assertThat(g.budgets()).extracting(BudgetStanding::group).containsExactly("k1", "k2");
        assertThat(g.budgets().get(0).reportUsed()).hasValueSatisfying(u -> assertThat(u).isEqualByComparingTo(
                BigDecimal.valueOf(input(K1_BIG, 1) + output(K1_BIG, 1) + input(K1_SMALL, 1) + output(K1_SMALL, 1))));
    }

    @Test
    void listsOnlyTheAlertsOfTheReportWindowAndRule() {
        Instant during = Fixture.DAY1.atTime(14, 30).atZone(Fixture.ZONE).toInstant();
        FiredAlert inside = new FiredAlert("prod", "all", "BUDGET", "firing", false, "80%", during);
        FiredAlert earlier = new FiredAlert("prod", "all", "BUDGET", "firing", false, "80%",
                during.minusSeconds(86400));
        FiredAlert today = new FiredAlert("prod", "all", "FORECAST", "firing", false, "100%",
                Fixture.AT.minusSeconds(60));
        FiredAlert otherRule = new FiredAlert("dev", "all", "BUDGET", "firing", false, "80%", during);
        DigestPlan plan = Fixture.dailyPlan();

        GroupReport g = DigestBuilder.build(plan, Fixture.config(), Fixture.snapshot(plan), List.of(),
                List.of(today, otherRule, earlier, inside)).headline();

        assertThat(g.alerts()).containsExactly(inside);
    }

    @Test
    void severalGroupsGetAnOverallTotalThatCountsEachSeriesOnce() {
        BotConfig cfg = Fixture.config(Fixture.PRICES, List.of(Fixture.prod(),
                Fixture.rule("big-only", GroupBy.ALL, List.of("k1", "k2"), List.of("big"))));
        DigestConfig d = Fixture.digest(PeriodUnit.DAY, List.of("prod", "big-only"), List.of("k1"),
                List.of("small"));
        DigestPlan plan = DigestPlan.of(d, cfg, Fixture.AT);

        DigestReport r = DigestBuilder.build(plan, cfg, Fixture.snapshot(plan), List.of(), List.of());

        assertThat(r.groups()).extracting(GroupReport::name).containsExactly("prod", "big-only",
                DigestPlan.EXTRA_GROUP);
        assertThat(r.groups().get(1).report().totals().totalTokens())
                .isEqualTo(input(K1_BIG, 1) + output(K1_BIG, 1) + input(K2_BIG, 1) + output(K2_BIG, 1));
        assertThat(r.groups().get(2).report().totals().totalTokens()).isEqualTo(input(K1_SMALL, 1)
                + output(K1_SMALL, 1));
        assertThat(r.overall()).hasValueSatisfying(o -> {
            assertThat(o.name()).isEqualTo(DigestBuilder.OVERALL_GROUP);
            assertThat(o.report()).isEqualTo(r.groups().get(0).report());
            assertThat(o.budgets()).isEmpty();
        });
        assertThat(r.headline()).isSameAs(r.overall().orElseThrow());
    }

    @Test
    void totalsComeFromTheSourceAndTheChartFromItsBucketsWhenTheyDisagree() {
        DigestPlan plan = Fixture.dailyPlan();
        Usage honest = Fixture.snapshot(plan).get(plan.report(), K1_BIG);
        UsageTotals claimed = honest.totals().plus(new UsageTotals(10, 5, 15, 1, 0));
        Map<Window, Map<Series, Usage>> byWindow = new HashMap<>();
        Fixture.snapshot(plan.windows(), Map.of()).byWindow().forEach((w, none) -> byWindow.put(w, new HashMap<>(none)));
        byWindow.get(plan.report()).put(K1_BIG, new Usage(K1_BIG, plan.report(), claimed, honest.buckets()));

        GroupReport g = DigestBuilder.build(plan, Fixture.config(), new UsageSnapshot(byWindow), List.of(), List.of())
                .headline();

        assertThat(g.report().totals()).isEqualTo(claimed);
        assertThat(g.chartTotal().totals()).isEqualTo(honest.totals());
    }

    @ParameterizedTest(name = "{0} digest at {1} in {2}: {3} bars")
    @CsvSource({
            "DAY,   2026-11-27T08:00, Asia/Shanghai, 24",
            "DAY,   2026-10-26T08:00, Europe/Berlin, 25",
            "WEEK,  2026-11-30T08:00, Asia/Shanghai, 7",
            "WEEK,  2026-10-26T08:00, Europe/Berlin, 7",
            "MONTH, 2026-12-01T08:00, Asia/Shanghai, 30",
            "HOUR,  2026-11-27T08:00, Asia/Shanghai, 12",
    })
    void chartHasOneBarPerHourOrLocalDay(PeriodUnit period, String at, String zone, int bars) {
        ZoneId z = ZoneId.of(zone);
        Window report = PeriodCalendar.of(z).previous(period, LocalDateTime.parse(at).atZone(z).toInstant());

        List<Instant> slots = DigestBuilder.slots(report, period, z);

        assertThat(slots).hasSize(bars).startsWith(report.start()).isSorted();
        assertThat(slots.get(bars - 1)).isBefore(report.end());
    }

    @Test
    void weekDigestAddsTheHoursUpIntoSevenLocalDays() {
        DigestConfig weekly = Fixture.digest(PeriodUnit.WEEK, List.of("prod"), List.of(), List.of());
        // Mon 30 Nov: the week reported is Mon 23 .. Sun 29 Nov, the fixture's days are Wed 25 and Thu 26
        DigestPlan plan = DigestPlan.of(weekly, Fixture.config(), LocalDate.of(2026, 11, 30).atTime(8, 0)
                .atZone(Fixture.ZONE).toInstant());

        GroupReport g = DigestBuilder.build(plan, Fixture.config(), Fixture.snapshot(plan), List.of(), List.of())
                .headline();

        assertThat(g.chart()).hasSize(7);
        assertThat(g.chart()).extracting(p -> p.amounts().totals().totalTokens()).containsExactly(0L, 0L,
                SERIES.stream().mapToLong(s -> input(s, 0) + output(s, 0)).sum(),
                SERIES.stream().mapToLong(s -> input(s, 1) + output(s, 1)).sum(), 0L, 0L, 0L);
        assertThat(g.chartTotal().totals()).isEqualTo(g.report().totals());
        assertThat(g.chart().get(2).start()).isEqualTo(Fixture.DAY0.atStartOfDay(Fixture.ZONE).toInstant());
    }

    @Test
    void aPeriodWithoutUsageIsReportedAsSuch() {
        DigestPlan plan = Fixture.dailyPlan();

        DigestReport r = DigestBuilder.build(plan, Fixture.config(), Fixture.snapshot(plan.windows(), Map.of()), List.of(),
                List.of());

        assertThat(r.noUsage()).isTrue();
        assertThat(r.headline().consumers()).isEmpty();
        assertThat(r.headline().movers()).isEmpty();
        assertThat(r.headline().chart()).hasSize(24).allSatisfy(p -> assertThat(p.amounts().totals().isZero())
                .isTrue());
    }
}

package budgetbot.rules;

import budgetbot.config.Anomaly;
import budgetbot.config.Budget;
import budgetbot.config.Growth;
import budgetbot.config.Metric;
import budgetbot.config.Prices;
import budgetbot.config.RuleConfig;
import budgetbot.time.PeriodCalendar;
import budgetbot.time.PeriodUnit;
import budgetbot.time.Window;
import budgetbot.usage.Series;
import budgetbot.usage.Usage;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Evaluates a rule's budgets, forecasts, growth and anomaly checks against fetched usage: a pure function of
 * (rule, usage, time) that returns the state of every condition for every group, holding or not.
 */
public final class Evaluator {
    private static final int MAX_CONTRIBUTORS = 5;
    /** Decimals of shares and increases: 0.1316 reads as 13.16%. */
    private static final int RATIO_SCALE = 4;

    private final PeriodCalendar calendar;
    private final Prices prices;

    public Evaluator(PeriodCalendar calendar, Prices prices) {
        this.calendar = Objects.requireNonNull(calendar, "calendar");
        this.prices = Objects.requireNonNull(prices, "prices");
    }

    /** The windows to fetch for every series of the rule before {@link #evaluate} at the same {@code at}. */
    public Set<Window> windows(RuleConfig rule, Instant at) {
        Set<Window> windows = new LinkedHashSet<>();
        for (Budget b : rule.budgets()) {
            windows.add(calendar.soFar(b.period(), at));
        }
        for (Growth g : rule.growth()) {
            windows.add(calendar.soFar(g.period(), at));
            windows.add(calendar.previousSameSpan(g.period(), at));
        }
        for (Anomaly a : rule.anomaly()) {
            windows.add(new AnomalyCheck(a, calendar, rule.quietDates(), at).span());
        }
        return Collections.unmodifiableSet(windows);
    }

    /** How far back before a check the rule's anomaly checks read usage; zero without any. */
    public static Duration anomalyLookback(RuleConfig rule) {
        return rule.anomaly().stream().map(a -> AnomalyCheck.lookback(a, rule.quietDates()))
                .max(Duration::compareTo).orElse(Duration.ZERO);
    }

    /**
     * One finding per condition and group, conditions in rule order (each budget followed by its forecast,
     * then the growth checks, then the anomaly checks), groups in {@link Grouping#groups} order.
     */
    public List<Finding> evaluate(RuleConfig rule, Instant at, UsageSnapshot usage) {
        Map<String, List<Series>> groups = Grouping.groups(rule);
        List<Finding> findings = new ArrayList<>();
        for (int i = 0; i < rule.budgets().size(); i++) {
            Budget budget = rule.budgets().get(i);
            String condition = "budget[" + i + "]:" + name(budget.metric(), budget.period());
            List<Finding> forecasts = new ArrayList<>();
            groups.forEach((group, series) -> {
                Scope scope = scope(rule, group, series, budget.metric(), budget.period(), at, usage);
                Optional<Projection> projection = budget.forecast()
                        ? Forecaster.project(budget, scope.group(), scope.period(), at, scope.soFar(), scope.used(), scope.measure())
                        : Optional.empty();
                findings.add(budget(scope, condition, budget, projection));
                if (budget.forecast()) {
                    forecasts.add(forecast(scope, condition + ":forecast", budget, projection));
                }
            });
            findings.addAll(forecasts);
        }
        for (int i = 0; i < rule.growth().size(); i++) {
            Growth growth = rule.growth().get(i);
            String condition = "growth[" + i + "]:" + name(growth.metric(), growth.period());
            groups.forEach((group, series) -> findings.add(growth(
                    scope(rule, group, series, growth.metric(), growth.period(), at, usage), condition, growth,
                    at, usage)));
        }
        for (int i = 0; i < rule.anomaly().size(); i++) {
            Anomaly anomaly = rule.anomaly().get(i);
            String condition = "anomaly[" + i + "]:" + name(anomaly.metric(), PeriodUnit.HOUR);
            AnomalyCheck check = new AnomalyCheck(anomaly, calendar, rule.quietDates(), at);
            groups.forEach((group, series) -> findings.add(anomaly(rule, condition, group, series, anomaly.metric(),
                    check.score(series, usage, prices))));
        }
        return List.copyOf(findings);
    }

    private static String name(Metric metric, PeriodUnit period) {
        return metric.yamlName() + "/" + period.yamlName();
    }

    private Scope scope(RuleConfig rule, String group, List<Series> series, Metric metric, PeriodUnit period,
                        Instant at, UsageSnapshot usage) {
        Window soFar = calendar.soFar(period, at);
        List<Usage> usages = series.stream().map(s -> usage.get(soFar, s)).toList();
        Measure measure = new Measure(metric, prices);
        List<BigDecimal> values = usages.stream().map(u -> measure.of(u.series(), u.totals())).toList();
        return new Scope(rule.name(), group, series, measure, period, calendar.periodOf(period, at), usages,
                values.stream().reduce(BigDecimal.ZERO, BigDecimal::add), contributors(series, values));
    }

    private static Finding budget(Scope s, String condition, Budget budget, Optional<Projection> projection) {
        BigDecimal limit = budget.limitFor(s.group());
        BigDecimal level = s.used().signum() > 0
                ? budget.thresholds().stream()
                .filter(t -> s.used().compareTo(t.multiply(limit)) >= 0)
                .reduce(BigDecimal.ZERO, BigDecimal::max)
                : BigDecimal.ZERO;
        return s.finding(Kind.BUDGET, condition, level.signum() > 0, level, Optional.of(limit),
                Optional.empty(), Optional.empty(), projection);
    }

    private static Finding forecast(Scope s, String condition, Budget budget, Optional<Projection> projection) {
        BigDecimal limit = budget.limitFor(s.group());
        boolean active = s.used().compareTo(limit) < 0
                && projection.filter(p -> p.total().compareTo(limit) >= 0).isPresent();
        return s.finding(Kind.FORECAST, condition, active, flag(active), Optional.of(limit),
                Optional.empty(), Optional.empty(), projection);
    }

    private Finding growth(Scope s, String condition, Growth growth, Instant at, UsageSnapshot usage) {
        Window before = calendar.previousSameSpan(growth.period(), at);
        BigDecimal baseline = s.series().stream()
                .map(series -> s.measure().of(series, usage.get(before, series).totals()))
                .reduce(BigDecimal.ZERO, BigDecimal::add);
        BigDecimal change = s.used().subtract(baseline);
        boolean active = baseline.signum() > 0 && baseline.compareTo(growth.minBaseline()) >= 0
                && change.compareTo(growth.increase().multiply(baseline)) >= 0;
        Optional<BigDecimal> increase = baseline.signum() == 0 ? Optional.empty()
                : Optional.of(change.divide(baseline, MathContext.DECIMAL64)
                .setScale(RATIO_SCALE, RoundingMode.HALF_UP));
        return s.finding(Kind.GROWTH, condition, active, flag(active), Optional.empty(), Optional.of(baseline),
                increase, Optional.empty());
    }

    private static Finding anomaly(RuleConfig rule, String condition, String group, List<Series> series, Metric metric,
                                   AnomalyCheck.Result r) {
        AnomalyScore score = r.score();
        boolean active = score.hours() > 0;
        Optional<BigDecimal> increase = score.ratio().map(x -> x.subtract(BigDecimal.ONE)
                .setScale(RATIO_SCALE, RoundingMode.HALF_UP));
        return new Finding(rule.name(), Kind.ANOMALY, condition, group, metric, PeriodUnit.HOUR, r.episode(), active,
                BigDecimal.valueOf(Math.min(score.hours(), 2)), score.value(), Optional.empty(),
                Optional.of(score.expected()), increase, Optional.empty(), contributors(series, r.hour()),
                keys(series), models(series), Optional.of(score));
    }

    private static List<String> keys(List<Series> series) {
        return series.stream().map(Series::keyId).distinct().toList();
    }

    private static List<String> models(List<Series> series) {
        return series.stream().map(Series::model).distinct().toList();
    }

    private static BigDecimal flag(boolean active) {
        return active ? BigDecimal.ONE : BigDecimal.ZERO;
    }

    /** The largest values first, ties in {@link Series} order. */
    private static List<Contributor> contributors(List<Series> series, List<BigDecimal> values) {
        BigDecimal total = values.stream().reduce(BigDecimal.ZERO, BigDecimal::add);
        List<Contributor> all = new ArrayList<>();
        for (int i = 0; i < series.size(); i++) {
            BigDecimal share = total.signum() == 0 ? BigDecimal.ZERO.setScale(RATIO_SCALE)
                    : values.get(i).divide(total, RATIO_SCALE, RoundingMode.HALF_UP);
            all.add(new Contributor(series.get(i), values.get(i), share));
        }
        return all.stream()
                .sorted(Comparator.comparing(Contributor::value).reversed().thenComparing(Contributor::series))
                .limit(MAX_CONTRIBUTORS)
                .toList();
    }

    /** One group's usage of one metric in the current period so far, shared by the findings about it. */
    private record Scope(String rule, String group, List<Series> series, Measure measure, PeriodUnit unit,
                         Window period, List<Usage> soFar, BigDecimal used, List<Contributor> contributors) {
        Finding finding(Kind kind, String condition, boolean active, BigDecimal level, Optional<BigDecimal> limit,
                        Optional<BigDecimal> baseline, Optional<BigDecimal> increase,
                        Optional<Projection> forecast) {
            return new Finding(rule, kind, condition, group, measure.metric(), unit, period, active, level, used, limit,
                    baseline, increase, forecast, contributors, keys(series), models(series));
        }
    }
}

package budgetbot.backtest;

import budgetbot.config.RuleConfig;
import budgetbot.guard.Action;
import budgetbot.rules.Finding;
import budgetbot.rules.Kind;

import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Collects what a backtest's checks found and would have sent, step after step, into a {@link BacktestReport}. It
 * keeps every notification, each rule's peaks, and what the chart draws; not every finding.
 */
public final class ReplayLog {
    /** More points than a chart is wide in pixels draws nothing more. */
    static final int MAX_POINTS = 720;
    /** Groups drawn in one chart: those that came closest to the condition. */
    static final int MAX_LINES = 5;

    private final Instant from;
    private final Instant to;
    private final Duration step;
    private final ZoneId zone;
    private final String currency;
    private final List<Instant> times;
    private final Map<String, Track> rules = new LinkedHashMap<>();

    /**
     * @param rules the rules replayed, in the order the report lists them; each may be recorded from its own thread
     */
    public ReplayLog(List<RuleConfig> rules, Instant from, Instant to, Duration step, ZoneId zone, String currency) {
        this.from = from;
        this.to = to;
        this.step = step;
        this.zone = zone;
        this.currency = currency;
        List<Instant> steps = new ArrayList<>();
        for (Instant at = from; !at.isAfter(to); at = at.plus(step)) {
            steps.add(at);
        }
        this.times = List.copyOf(steps);
        int per = Math.max(1, (times.size() + MAX_POINTS - 1) / MAX_POINTS);
        rules.forEach(r -> this.rules.put(r.name(), new Track(r, per)));
    }

    /** The moments to check: {@code from}, {@code from + step}, … up to and including {@code to}. */
    public List<Instant> times() {
        return times;
    }

    /**
     * What one rule's check at step {@code index} of {@link #times()} found and would have sent, and the budget
     * actions its findings reach (each is kept the first time its rule, budget, group and period reach it, as the
     * action log would record it once).
     */
    public void checked(String rule, int index, List<Finding> findings, List<Notification> sent, List<Action> due) {
        Track track = rules.get(rule);
        if (track == null) {
            throw new IllegalArgumentException("rule " + rule + " is not replayed");
        }
        track.record(index, times.get(index), findings, sent, due);
    }

    public BacktestReport report() {
        return new BacktestReport(from, to, step, times.size(), zone, currency,
                rules.values().stream().map(t -> t.report(times)).toList());
    }

    /** One rule's notifications, peaks and chart values so far. */
    private static final class Track {
        private final RuleConfig rule;
        private final List<Notification> notifications = new ArrayList<>();
        /** By condition, group and period: the first step that reached each action. */
        private final Map<List<Object>, Action> actions = new LinkedHashMap<>();
        /** The condition charted: the first budget's, else the first growth check's. */
        private final Optional<String> charted;
        /** Steps per point of the chart: the points are kept as the steps come, not every step of every group. */
        private final int per;
        /** Per group, the highest value of each run of {@code per} steps so far. */
        private final Map<String, List<BigDecimal>> usedByGroup = new LinkedHashMap<>();
        private final Map<String, BigDecimal> closest = new HashMap<>();
        private Finding chartedFinding;
        private Peak budgetPeak;
        private Peak growthPeak;

        Track(RuleConfig rule, int per) {
            this.rule = rule;
            this.per = per;
            this.charted = !rule.budgets().isEmpty() ? Optional.of(Kind.BUDGET.name())
                    : !rule.growth().isEmpty() ? Optional.of(Kind.GROWTH.name())
                    : !rule.anomaly().isEmpty() ? Optional.of(Kind.ANOMALY.name()) : Optional.empty();
        }

        void record(int index, Instant at, List<Finding> findings, List<Notification> sent, List<Action> due) {
            notifications.addAll(sent);
            due.forEach(a -> actions.putIfAbsent(List.of(a.condition(), a.group(), a.periodStart()), a));
            for (Finding f : findings) {
                Optional<BigDecimal> value = value(f);
                if (f.kind() == Kind.BUDGET && value.isPresent()) {
                    budgetPeak = Peak.higher(budgetPeak, new Peak(at, f, value.get()));
                } else if (f.kind() == Kind.GROWTH && value.isPresent()) {
                    growthPeak = Peak.higher(growthPeak, new Peak(at, f, value.get()));
                }
                if (charted.isPresent() && f.kind().name().equals(charted.get())
                        && (chartedFinding == null || chartedFinding.condition().equals(f.condition()))) {
                    chartedFinding = f;
                    List<BigDecimal> points = usedByGroup.computeIfAbsent(f.group(), g -> new ArrayList<>());
                    int point = index / per;
                    // a group not evaluated at a step used nothing then
                    while (points.size() <= point) {
                        points.add(BigDecimal.ZERO);
                    }
                    points.set(point, points.get(point).max(f.used()));
                    value.ifPresent(v -> closest.merge(f.group(), v, BigDecimal::max));
                }
            }
        }

        /** How close a finding is: its share of the limit, or its increase (an anomaly's: over the expected value). */
        private static Optional<BigDecimal> value(Finding f) {
            if (f.kind() == Kind.BUDGET && f.limit().isPresent() && f.limit().get().signum() > 0) {
                return Optional.of(f.used().divide(f.limit().get(), MathContext.DECIMAL64));
            }
            return f.kind() == Kind.GROWTH || f.kind() == Kind.ANOMALY ? f.increase() : Optional.empty();
        }

        RuleReport report(List<Instant> times) {
            return new RuleReport(rule, notifications.stream().sorted(Comparator.comparing(Notification::at)).toList(),
                    actions.values().stream().sorted(Comparator.comparing(Action::createdAt)).toList(),
                    Optional.ofNullable(budgetPeak), Optional.ofNullable(growthPeak), chart(times));
        }

        private Optional<Chart> chart(List<Instant> times) {
            if (chartedFinding == null) {
                return Optional.empty();
            }
            List<Instant> drawn = new ArrayList<>();
            for (int i = 0; i < times.size(); i += per) {
                drawn.add(times.get(i));
            }
            List<Chart.Line> lines = usedByGroup.keySet().stream()
                    .sorted(Comparator.comparing((String g) -> closest.getOrDefault(g, BigDecimal.ZERO)).reversed()
                            .thenComparing(g -> g))
                    .limit(MAX_LINES)
                    .map(g -> new Chart.Line(g, padded(usedByGroup.get(g), drawn.size()))).toList();
            // the first budget's findings come first, so the one charted is budget[0]
            List<BigDecimal> thresholds = chartedFinding.kind() == Kind.BUDGET ? rule.budgets().get(0).thresholds()
                    : List.of();
            return Optional.of(new Chart(chartedFinding.condition(), chartedFinding.metric(), chartedFinding.period(),
                    chartedFinding.limit(), thresholds, drawn, lines));
        }

        /** A group last evaluated before the end used nothing after. */
        private static List<BigDecimal> padded(List<BigDecimal> points, int size) {
            List<BigDecimal> all = new ArrayList<>(points);
            while (all.size() < size) {
                all.add(BigDecimal.ZERO);
            }
            return all;
        }
    }
}

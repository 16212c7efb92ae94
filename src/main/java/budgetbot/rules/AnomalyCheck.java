package budgetbot.rules;

import budgetbot.config.Anomaly;
import budgetbot.config.Metric;
import budgetbot.config.Prices;
import budgetbot.time.PeriodCalendar;
import budgetbot.time.PeriodUnit;
import budgetbot.time.Window;
import budgetbot.usage.Series;
import budgetbot.usage.UsageBucket;

import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One anomaly check of a rule as of a moment: which span of hourly usage it needs, and for one group what its last
 * complete hour scores ({@link AnomalyScorer}) and for how many hours in a row it has been anomalous.
 *
 * <p>The running hour is not scored: UCloud reports an hour's usage in hourly buckets and late, so its first
 * minutes say little, and the hour is scored as soon as it completes (and again at every check until the next one
 * completes, with whatever came in late). For the same reason an hour that looks normal counts only once it ended
 * {@link #LATE} ago: until then the hour before stands if it was anomalous, so that usage not reported yet does not
 * resolve an anomaly that goes on.
 */
final class AnomalyCheck {
    /** How far back a run of anomalous hours is followed; a longer one counts from the start of the day it reaches. */
    static final int LOOKBACK_HOURS = 24;
    /** How long after its end an hour's usage may still be coming in. */
    static final Duration LATE = Duration.ofMinutes(15);

    private final Anomaly check;
    private final PeriodCalendar calendar;
    private final AnomalyScorer scorer;
    private final Instant lastHour;
    private final Instant hourBefore;
    /** Whether the last complete hour ended less than {@link #LATE} ago. */
    private final boolean fresh;
    private final Window span;

    AnomalyCheck(Anomaly check, PeriodCalendar calendar, Set<LocalDate> quiet, Instant at) {
        this.check = check;
        this.calendar = calendar;
        this.scorer = new AnomalyScorer(check, calendar, quiet);
        Instant running = calendar.periodOf(PeriodUnit.HOUR, at).start();
        this.lastHour = calendar.periodOf(PeriodUnit.HOUR, running.minusSeconds(1)).start();
        this.hourBefore = calendar.periodOf(PeriodUnit.HOUR, lastHour.minusSeconds(1)).start();
        this.fresh = Duration.between(running, at).compareTo(LATE) < 0;
        Instant earliest = lastHour.atZone(calendar.zone())
                .minusWeeks(check.baselineWeeks() + AnomalyScorer.extraWeeks(quiet))
                .minusHours(LOOKBACK_HOURS).toInstant();
        this.span = new Window(calendar.periodOf(PeriodUnit.DAY, earliest).start(), running);
    }

    /** How far back before a check its span reaches at most: the weeks, the run's lookback, an hour and a day. */
    static Duration lookback(Anomaly check, Set<LocalDate> quiet) {
        return Duration.ofDays(7L * (check.baselineWeeks() + AnomalyScorer.extraWeeks(quiet)) + 1)
                .plusHours(LOOKBACK_HOURS + 1);
    }

    /** The window to fetch for every series: whole local days back to the oldest sample, up to the running hour. */
    Window span() {
        return span;
    }

    /** What the group's last complete hour scores, from {@code usage} of {@link #span()}. */
    Result score(List<Series> series, UsageSnapshot usage, Prices prices) {
        Measure measure = new Measure(check.metric(), prices);
        Map<Instant, BigDecimal> byHour = new HashMap<>();
        // the series' values and the cost of the two hours that may be scored
        Map<Instant, Map<Series, BigDecimal>> bySeries = new HashMap<>();
        Map<Instant, BigDecimal> costByHour = new HashMap<>();
        boolean priced = check.metric() != Metric.COST
                && series.stream().allMatch(s -> prices.of(s.model()).isPresent());
        Measure cost = new Measure(Metric.COST, prices);
        for (Series s : series) {
            for (UsageBucket b : usage.get(span, s).buckets()) {
                Instant hour = calendar.periodOf(PeriodUnit.HOUR, b.timestamp()).start();
                BigDecimal v = measure.of(s, b.totals());
                byHour.merge(hour, v, BigDecimal::add);
                if (hour.equals(lastHour) || hour.equals(hourBefore)) {
                    bySeries.computeIfAbsent(hour, h -> new HashMap<>()).merge(s, v, BigDecimal::add);
                    if (priced) {
                        costByHour.merge(hour, cost.of(s, b.totals()), BigDecimal::add);
                    }
                }
            }
        }
        Optional<Instant> first = byHour.entrySet().stream().filter(e -> e.getValue().signum() > 0)
                .map(Map.Entry::getKey).min(Instant::compareTo);
        AnomalyScorer.Hourly hourly = new AnomalyScorer.Hourly(byHour, first);
        Instant scored = lastHour;
        AnomalyScorer.Verdict v = scorer.score(hourly, lastHour);
        if (!v.anomalous() && fresh) {
            AnomalyScorer.Verdict before = scorer.score(hourly, hourBefore);
            if (before.anomalous()) {
                scored = hourBefore;
                v = before;
            }
        }
        int hours = 0;
        Instant episode = scored;
        if (v.anomalous()) {
            hours = 1;
            for (int k = 1; k <= LOOKBACK_HOURS; k++) {
                Instant before = calendar.periodOf(PeriodUnit.HOUR, episode.minusSeconds(1)).start();
                if (!scorer.score(hourly, before).anomalous()) {
                    break;
                }
                episode = before;
                hours++;
            }
            if (hours > LOOKBACK_HOURS) {
                episode = calendar.periodOf(PeriodUnit.DAY, episode).start();
            }
        }
        Window hour = calendar.periodOf(PeriodUnit.HOUR, scored);
        Optional<BigDecimal> excessCost = !priced || v.value().signum() == 0 ? Optional.empty()
                : Optional.of(costByHour.getOrDefault(scored, BigDecimal.ZERO)
                .multiply(v.value().subtract(v.expected()).max(BigDecimal.ZERO))
                .divide(v.value(), MathContext.DECIMAL64));
        AnomalyScore score = new AnomalyScore(hour, v.value(), v.basis(), v.samples(), v.expected(), v.spread(), v.z(),
                excessCost, hours, v.unscored());
        Map<Series, BigDecimal> values = bySeries.getOrDefault(scored, Map.of());
        return new Result(score, new Window(episode, hour.end()),
                series.stream().map(s -> values.getOrDefault(s, BigDecimal.ZERO)).toList());
    }

    /**
     * @param score   the scored hour's: the last complete one, or the one before while that holds an anomaly and
     *                the last is fresh
     * @param episode from the first hour of the anomalous run to the end of the scored hour; that hour alone when it
     *                is not anomalous
     * @param hour    each series' value in the scored hour, in the order of the series given
     */
    record Result(AnomalyScore score, Window episode, List<BigDecimal> hour) {
    }
}

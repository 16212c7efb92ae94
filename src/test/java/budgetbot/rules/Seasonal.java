package budgetbot.rules;

import budgetbot.config.Anomaly;
import budgetbot.config.GroupBy;
import budgetbot.config.RuleConfig;
import budgetbot.config.Selection;
import budgetbot.time.Window;
import budgetbot.usage.Series;
import budgetbot.usage.Usage;
import budgetbot.usage.UsageBucket;
import budgetbot.usage.UsageTotals;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Hourly usage with a weekly rhythm, as people use a model: quiet nights, a day that rises to an afternoon peak,
 * weekends at a fraction, a Monday morning that ramps up, and uniform noise of {@code noise} (0.1 = ±10 %) on every
 * hour. Independent of the simulator's rhythm on purpose: the anomaly rules must hold for any such shape.
 *
 * @param base    tokens of a weekday's peak hour
 * @param night   the small hours as a fraction of the peak
 * @param weekend a weekend hour as a fraction of the same weekday hour
 * @param monday  a Monday morning hour as a fraction of the same hour on other weekdays
 */
record Seasonal(ZoneId zone, long base, double night, double weekend, double monday, double noise, long seed) {
    static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");

    /** The usage of the hour starting at {@code hour}, before any spike. */
    long at(Instant hour) {
        ZonedDateTime t = hour.atZone(zone);
        int h = t.getHour();
        double day = night + (1 - night) * Math.max(0, Math.sin(Math.PI * (h - 7) / 16.0));
        DayOfWeek d = t.getDayOfWeek();
        double week = d == DayOfWeek.SATURDAY || d == DayOfWeek.SUNDAY ? weekend
                : d == DayOfWeek.MONDAY && h < 12 ? monday : 1;
        double u = new SplittableRandom(seed ^ hour.getEpochSecond() * 0x9E3779B97F4A7C15L).nextDouble();
        return Math.round(base * day * week * (1 + noise * (2 * u - 1)));
    }

    /** Every hour's usage from {@code from} to {@code to}, the hours in {@code spike} multiplied by {@code factor}. */
    Map<Instant, Long> hours(Instant from, Instant to, Optional<Window> spike, double factor) {
        Map<Instant, Long> out = new TreeMap<>();
        for (Instant h = from; h.isBefore(to); h = h.plus(Duration.ofHours(1))) {
            long v = at(h);
            boolean spiked = spike.isPresent() && spike.get().contains(h);
            out.put(h, spiked ? Math.round(v * factor) : v);
        }
        return out;
    }

    /** A rule of one anomaly check over {@code keys} x one model, a group per key. */
    static RuleConfig rule(List<String> keys, Anomaly anomaly, Set<LocalDate> quiet) {
        return new RuleConfig("spikes", "0 */5 * * * ?", Selection.of(keys), Selection.of(List.of("m")),
                GroupBy.KEY, List.of(), List.of(), List.of("ops"), Optional.empty(), Duration.ofMinutes(30),
                List.of(anomaly), quiet);
    }

    /** What the evaluator asks for at {@code at}: each window with the hourly buckets of every series in it. */
    static UsageSnapshot snapshot(Evaluator evaluator, RuleConfig rule, Instant at,
                                  Function<Series, Map<Instant, Long>> hourly) {
        Map<Window, Map<Series, Usage>> byWindow = new HashMap<>();
        for (Window w : evaluator.windows(rule, at)) {
            Map<Series, Usage> bySeries = new HashMap<>();
            for (Series s : Grouping.series(rule)) {
                List<UsageBucket> buckets = new ArrayList<>();
                UsageTotals total = UsageTotals.ZERO;
                for (Map.Entry<Instant, Long> e : hourly.apply(s).entrySet()) {
                    if (w.contains(e.getKey())) {
                        UsageTotals t = new UsageTotals(e.getValue(), 0, e.getValue(), 0, 0);
                        buckets.add(new UsageBucket(e.getKey(), t, Map.of()));
                        total = total.plus(t);
                    }
                }
                bySeries.put(s, new Usage(s, w, total, buckets));
            }
            byWindow.put(w, bySeries);
        }
        return new UsageSnapshot(byWindow);
    }
}

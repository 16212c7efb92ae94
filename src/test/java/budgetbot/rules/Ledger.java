package budgetbot.rules;

import budgetbot.config.RuleConfig;
import budgetbot.time.Window;
import budgetbot.usage.Series;
import budgetbot.usage.Usage;
import budgetbot.usage.UsageBucket;
import budgetbot.usage.UsageTotals;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Test usage as UCloud would report it: events at instants, served per window as totals plus hourly buckets
 * (each bucket stamped with its hour's start), so tests see the same windowing the real source applies.
 */
final class Ledger {
    private record Event(Series series, Instant at, UsageTotals totals) {
    }

    private final List<Event> events = new ArrayList<>();

    static Instant t(String offsetDateTime) {
        return OffsetDateTime.parse(offsetDateTime).toInstant();
    }

    static UsageTotals tokens(long total) {
        return new UsageTotals(0, 0, total, 0, 0);
    }

    Ledger add(Series series, Instant at, UsageTotals totals) {
        events.add(new Event(series, at, totals));
        return this;
    }

    Ledger add(Series series, String at, long tokens) {
        return add(series, t(at), tokens(tokens));
    }

    /** One event of {@code tokens[i]} total tokens at the start of each hour from {@code from} on. */
    Ledger hourly(Series series, String from, long... tokens) {
        Instant start = t(from);
        for (int i = 0; i < tokens.length; i++) {
            add(series, start.plus(Duration.ofHours(i)), tokens(tokens[i]));
        }
        return this;
    }

    /** What the evaluator asks for {@code rule}: its windows, for its series and every series that has events. */
    UsageSnapshot snapshot(Evaluator evaluator, RuleConfig rule, Instant at) {
        return snapshot(evaluator, rule, at, true);
    }

    /** Like {@link #snapshot} but with totals only, as if the source returned no per-timestamp usage. */
    UsageSnapshot snapshotWithoutBuckets(Evaluator evaluator, RuleConfig rule, Instant at) {
        return snapshot(evaluator, rule, at, false);
    }

    private UsageSnapshot snapshot(Evaluator evaluator, RuleConfig rule, Instant at, boolean withBuckets) {
        Set<Series> series = new HashSet<>(Grouping.series(rule));
        events.forEach(e -> series.add(e.series()));
        Map<Window, Map<Series, Usage>> byWindow = new HashMap<>();
        for (Window w : evaluator.windows(rule, at)) {
            Map<Series, Usage> bySeries = new HashMap<>();
            series.forEach(s -> bySeries.put(s, usage(s, w, withBuckets)));
            byWindow.put(w, bySeries);
        }
        return new UsageSnapshot(byWindow);
    }

    private Usage usage(Series series, Window window, boolean withBuckets) {
        TreeMap<Instant, UsageTotals> hours = new TreeMap<>();
        UsageTotals total = UsageTotals.ZERO;
        for (Event e : events) {
            if (e.series().equals(series) && window.contains(e.at())) {
                total = total.plus(e.totals());
                hours.merge(e.at().truncatedTo(ChronoUnit.HOURS), e.totals(), UsageTotals::plus);
            }
        }
        List<UsageBucket> buckets = withBuckets
                ? hours.entrySet().stream().map(h -> new UsageBucket(h.getKey(), h.getValue(), Map.of())).toList()
                : List.of();
        return new Usage(series, window, total, buckets);
    }
}

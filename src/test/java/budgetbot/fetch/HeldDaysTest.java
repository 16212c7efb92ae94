package budgetbot.fetch;

import budgetbot.state.StateStore;
import budgetbot.time.Window;
import budgetbot.usage.Series;
import budgetbot.usage.Usage;
import budgetbot.usage.UsageBucket;
import budgetbot.usage.UsageTotals;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Settled days held in memory over the real usage cache (an H2 database in memory). */
class HeldDaysTest {
    private static final Series SERIES = new Series("k1", "m1");
    private static final Instant DAY_START = Instant.parse("2026-11-20T00:00:00Z");
    private static final Window DAY = new Window(DAY_START, DAY_START.plus(Duration.ofDays(1)));
    private static final Window NEXT_DAY = new Window(DAY.end(), DAY.end().plus(Duration.ofDays(1)));
    private static final UsageTotals TOTALS = new UsageTotals(10, 5, 15, 2, 0);
    private static final List<UsageBucket> BUCKETS = List.of(new UsageBucket(DAY_START.plus(Duration.ofHours(3)),
            TOTALS, Map.of()));

    @Test
    void readsEachDayFromTheCacheOnceAndKeepsItWhenTheCacheForgetsIt() {
        try (StateStore store = StateStore.scratch()) {
            SliceCache cache = new SliceCache(store, Clock.fixed(DAY.end(), ZoneOffset.UTC));
            cache.store(new Usage(SERIES, DAY, TOTALS, BUCKETS));
            HeldDays held = new HeldDays(cache);
            Map<Series, List<Window>> wanted = Map.of(SERIES, List.of(DAY, NEXT_DAY));

            assertThat(held.totals(wanted)).isEqualTo(Map.of(SERIES, Map.of(DAY, TOTALS)));
            assertThat(held.buckets(wanted)).isEqualTo(Map.of(SERIES, Map.of(DAY, BUCKETS)));
            // what memory holds is not read from the database again
            assertThat(cache.clear(Optional.empty(), Optional.empty())).isEqualTo(1);
            assertThat(held.totals(wanted)).isEqualTo(Map.of(SERIES, Map.of(DAY, TOTALS)));
            assertThat(held.buckets(wanted)).isEqualTo(Map.of(SERIES, Map.of(DAY, BUCKETS)));
        }
    }

    @Test
    void keepsAFetchedDayInMemoryAndInTheCache() {
        try (StateStore store = StateStore.scratch()) {
            SliceCache cache = new SliceCache(store, Clock.fixed(NEXT_DAY.end(), ZoneOffset.UTC));
            HeldDays held = new HeldDays(cache);
            Map<Series, List<Window>> wanted = Map.of(SERIES, List.of(NEXT_DAY));
            assertThat(held.totals(wanted)).isEqualTo(Map.of(SERIES, Map.of()));

            held.store(new Usage(SERIES, NEXT_DAY, TOTALS, List.of()));

            assertThat(held.totals(wanted)).isEqualTo(Map.of(SERIES, Map.of(NEXT_DAY, TOTALS)));
            assertThat(cache.totals(wanted)).as("the cache below, for later runs")
                    .isEqualTo(Map.of(SERIES, Map.of(NEXT_DAY, TOTALS)));
        }
    }
}

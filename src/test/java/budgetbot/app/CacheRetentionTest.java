package budgetbot.app;

import budgetbot.config.BotConfig;
import budgetbot.config.ConfigLoader;
import budgetbot.fetch.SliceCache;
import budgetbot.time.Window;
import budgetbot.usage.Series;
import budgetbot.usage.Usage;
import budgetbot.usage.UsageTotals;
import budgetbot.usage.UsageSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The usage cache does not only grow: settled days no rule or digest reads any more go with the hourly purge. */
class CacheRetentionTest {
    private static final Instant NOW = Instant.parse("2026-12-01T00:00:00Z");
    private static final Series SERIES = new Series("uminferapikey-a", "m1");

    @TempDir
    Path dir;

    @Test
    void settledDaysOlderThanTheLongestLookbackAndTheRetentionAreForgotten() throws Exception {
        BotConfig cfg = config("month", "30d");
        // a month budget reads this month and compares with the last: 63 days; then 30 days of retention
        assertThat(Retention.lookback(cfg)).isEqualTo(Duration.ofDays(63));
        UsageSource none = (series, window) -> Usage.none(series, window);
        try (App app = App.open(cfg, none, List::of, Map.of(), Clock.fixed(NOW, ZoneOffset.UTC))) {
            SliceCache cache = app.usageCache();
            Window old = day(NOW.minus(Duration.ofDays(94)));
            Window kept = day(NOW.minus(Duration.ofDays(92)));
            for (Window w : List.of(old, kept)) {
                cache.store(new Usage(SERIES, w, new UsageTotals(1, 2, 3, 1, 0), List.of()));
            }

            String summary = Retention.purge(app);

            assertThat(summary).contains("1 days of the usage cache");
            assertThat(cache.totals(Map.of(SERIES, Set.of(old, kept))).get(SERIES)).containsOnlyKeys(kept);
        }
    }

    @Test
    void theLookbackFollowsTheLongestPeriodOfAnyRuleOrDigest() throws Exception {
        assertThat(Retention.lookback(config("day", "90d"))).isEqualTo(Duration.ofDays(3));
        assertThat(Retention.lookback(config("week", "90d"))).isEqualTo(Duration.ofDays(15));
    }

    @Test
    void anAnomalyCheckKeepsItsBaselineWeeksAndTheWeeksQuietDatesMakeUpFor() throws Exception {
        Path file = Files.writeString(dir.resolve("anomaly.yml"), """
                ucloud: { publicKey: p, privateKey: k }
                channels: { ops: { type: console } }
                rules:
                  - { name: r, keys: [uminferapikey-a], models: [m1], notify: [ops],
                      budgets: [{ metric: tokens, period: week, limit: 1G }],
                      anomaly: [{ metric: tokens, minExcess: 1k, baseline: 5w }] }
                  - { name: q, keys: [uminferapikey-a], models: [m1], notify: [ops], quietDates: [2027-02-10],
                      anomaly: [{ metric: tokens, minExcess: 1k }] }
                """);

        // q: four weeks and two more for its quiet date, the run of anomalous hours looked back on (a day and an
        // hour), and a day for where it starts
        assertThat(Retention.lookback(ConfigLoader.load(file, Map.of())))
                .isEqualTo(Duration.ofDays(6 * 7 + 2).plusHours(1));
    }

    private BotConfig config(String period, String retention) throws Exception {
        Path file = Files.writeString(dir.resolve(period + ".yml"), """
                ucloud: { publicKey: p, privateKey: k }
                state: { url: "jdbc:h2:file:%s", retention: %s }
                channels: { ops: { type: console } }
                rules:
                  - { name: r, keys: [uminferapikey-a], models: [m1], notify: [ops],
                      budgets: [{ metric: tokens, period: %s, limit: 1G }] }
                """.formatted(dir.resolve("state-" + period).resolve("db").toAbsolutePath(), retention, period));
        return ConfigLoader.load(file, Map.of());
    }

    private static Window day(Instant start) {
        return new Window(start, start.plus(Duration.ofDays(1)));
    }
}

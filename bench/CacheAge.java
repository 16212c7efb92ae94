// Issue 18's benchmark of the usage cache's age: how long a check takes to read a month of settled days for 1,000
// series from a cache that holds 60 days, and from one that holds 365 (it should be no more than 1.2x slower: the
// read goes by day through an index, and retention keeps the cache bounded anyway). Run with the JDK source launcher
// against the jar, so it reads through budgetbot's own SliceCache on an H2 file:
//
//   java -cp target/budgetbot.jar bench/CacheAge.java [--series 1000] [--reads 7]
//
// Prints a markdown table: rows in the cache, and the median wall time of reading the month's totals.

import budgetbot.config.Secret;
import budgetbot.config.StateConfig;
import budgetbot.fetch.SliceCache;
import budgetbot.state.StateStore;
import budgetbot.time.Window;
import budgetbot.usage.Series;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

public class CacheAge {
    private static final Instant NOW = Instant.parse("2026-12-01T00:00:00Z");

    public static void main(String[] args) throws Exception {
        int series = 1000;
        int reads = 7;
        for (int i = 0; i < args.length; i += 2) {
            switch (args[i]) {
                case "--series" -> series = Integer.parseInt(args[i + 1]);
                case "--reads" -> reads = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        int pass = 0;
        System.out.println("| days in the cache | rows | month's totals read, median of " + reads + " |");
        System.out.println("|---:|---:|---:|");
        // each size twice, the first pass only warming the JIT: the table has the second
        for (int days : List.of(60, 365, 60, 365)) {
            Path dir = Files.createTempDirectory("cache-age");
            StateConfig cfg = new StateConfig("jdbc:h2:file:" + dir.resolve("db"), "", new Secret(""), false,
                    Duration.ofDays(90));
            try (StateStore store = StateStore.open(cfg)) {
                List<Series> all = new ArrayList<>();
                for (int s = 0; s < series; s++) {
                    all.add(new Series(String.format("uminferapikey-%05d", s / 4), "model-" + s % 4));
                }
                fill(store, all, days);
                SliceCache cache = new SliceCache(store, Clock.fixed(NOW, java.time.ZoneOffset.UTC));
                Map<Series, List<Window>> month = new HashMap<>();
                for (Series s : all) {
                    List<Window> w = new ArrayList<>();
                    for (int d = 31; d >= 1; d--) {
                        w.add(day(d));
                    }
                    month.put(s, w);
                }
                List<Long> millis = new ArrayList<>();
                for (int r = 0; r < reads + 2; r++) {
                    long t0 = System.nanoTime();
                    int found = cache.totals(month).values().stream().mapToInt(Map::size).sum();
                    long t1 = System.nanoTime();
                    if (found != series * 31) {
                        throw new IllegalStateException("read " + found + " days, expected " + series * 31);
                    }
                    if (r >= 2) { // the first two warm the JIT and H2's page cache
                        millis.add((t1 - t0) / 1_000_000);
                    }
                }
                Collections.sort(millis);
                if (++pass > 2) {
                    System.out.printf("| %d | %,d | %d ms |%n", days, (long) series * days,
                            millis.get(millis.size() / 2));
                }
            }
        }
    }

    private static Window day(int daysBefore) {
        Instant start = NOW.minus(Duration.ofDays(daysBefore));
        return new Window(start, start.plus(Duration.ofDays(1)));
    }

    /** The settled days of every series for the last {@code days} days, written in batches. */
    private static void fill(StateStore store, List<Series> all, int days) {
        store.inTransaction("fill the usage cache", c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO usage_slice (key_id, model, slice_start,"
                    + " slice_end, input_tokens, output_tokens, total_tokens, requests, images, fetched_at)"
                    + " VALUES (?, ?, ?, ?, 1, 2, 3, 1, 0, ?)")) {
                int batch = 0;
                for (int d = days; d >= 1; d--) {
                    Window w = day(d);
                    for (Series s : all) {
                        ps.setString(1, s.keyId());
                        ps.setString(2, s.model());
                        ps.setObject(3, w.start().atOffset(java.time.ZoneOffset.UTC));
                        ps.setObject(4, w.end().atOffset(java.time.ZoneOffset.UTC));
                        ps.setObject(5, NOW.atOffset(java.time.ZoneOffset.UTC));
                        ps.addBatch();
                        if (++batch % 5000 == 0) {
                            ps.executeBatch();
                        }
                    }
                }
                ps.executeBatch();
            }
            return null;
        });
    }
}

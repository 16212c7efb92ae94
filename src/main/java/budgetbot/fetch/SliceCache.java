package budgetbot.fetch;

import budgetbot.state.Sql;
import budgetbot.state.StateStore;
import budgetbot.time.Window;
import budgetbot.usage.Series;
import budgetbot.usage.Usage;
import budgetbot.usage.UsageBucket;
import budgetbot.usage.UsageTotals;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The usage cache: the totals and buckets of every closed day of every series, in the state database, so that
 * instances of a cluster and later runs share them. A row is written once and never updated; {@link #clear}
 * is how a correction that arrived after the settle time is fetched again.
 */
public final class SliceCache implements SettledDays {
    private static final Logger log = LoggerFactory.getLogger(SliceCache.class);
    /** The size of the column. */
    static final int MAX_BUCKETS_TEXT = 200_000;
    private static final String COLUMNS = "input_tokens, output_tokens, total_tokens, requests, images";

    private final StateStore store;
    private final Clock clock;

    public SliceCache(StateStore store, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * The totals of the cached days among {@code wanted}, by series and day. One query for all series: a query per
     * series cost milliseconds each, which made a warm check of 1,000 series spend seconds here.
     */
    @Override
    public Map<Series, Map<Window, UsageTotals>> totals(Map<Series, ? extends Collection<Window>> wanted) {
        return select(wanted, "usage_slice", COLUMNS, rs -> totals(rs));
    }

    /** The buckets of the cached days among {@code wanted}, by series and day, in one query. */
    @Override
    public Map<Series, Map<Window, List<UsageBucket>>> buckets(Map<Series, ? extends Collection<Window>> wanted) {
        return select(wanted, "usage_slice_buckets", "buckets", rs -> decode(rs.getString("buckets")));
    }

    private <T> Map<Series, Map<Window, T>> select(Map<Series, ? extends Collection<Window>> wanted, String table,
                                                   String columns, Sql.RowMapper<T> row) {
        Map<Series, Set<Window>> days = new HashMap<>();
        Instant from = null;
        Instant to = null;
        for (Map.Entry<Series, ? extends Collection<Window>> e : wanted.entrySet()) {
            for (Window day : e.getValue()) {
                days.computeIfAbsent(e.getKey(), k -> new HashSet<>()).add(day);
                from = from == null || day.start().isBefore(from) ? day.start() : from;
                to = to == null || day.end().isAfter(to) ? day.end() : to;
            }
        }
        Map<Series, Map<Window, T>> found = new HashMap<>();
        if (days.isEmpty()) {
            return found;
        }
        Instant start = from;
        Instant end = to;
        store.autoCommit("read the usage cache", c -> {
            Sql.each(c, "SELECT key_id, model, slice_start, slice_end, " + columns + " FROM " + table
                + " WHERE slice_start >= ? AND slice_start < ?",
                ps -> {
                    ps.setObject(1, Sql.timestamp(start));
                    ps.setObject(2, Sql.timestamp(end));
                }, rs -> {
                    Series series = new Series(rs.getString("key_id"), rs.getString("model"));
                    Window window = new Window(Sql.instant(rs, "slice_start"), Sql.instant(rs, "slice_end"));
                    // other series, and days cut in another timezone, share the range
                    if (days.getOrDefault(series, Set.of()).contains(window)) {
                        found.computeIfAbsent(series, k -> new HashMap<>()).put(window, row.map(rs));
                    }
                });
            return null;
        });
        return found;
    }

    /**
     * Keeps a closed day; a day another instance kept first is left as it is (both came from UCloud). A day of
     * very many buckets (UCloud does not document their width) is not kept, and is fetched again next time; a
     * dry run keeps nothing.
     */
    @Override
    public void store(Usage day) {
        if (store.isReadOnly()) {
            return;
        }
        String buckets = encode(day.buckets());
        if (buckets.length() > MAX_BUCKETS_TEXT) {
            log.debug("not caching {} {}: {} characters of buckets", day.series(), day.window(), buckets.length());
            return;
        }
        store.inTransaction("write the usage cache", c -> insert(c, day, buckets));
    }

    /**
     * Forgets cached days, so that they are fetched again.
     *
     * @param keyId  only this API key's days
     * @param before only days that ended at or before this time
     * @return how many days were forgotten
     */
    public int clear(Optional<String> keyId, Optional<Instant> before) {
        String where = (keyId.isPresent() ? " AND key_id = ?" : "") + (before.isPresent() ? " AND slice_end <= ?" : "");
        Sql.Binder binder = ps -> {
            int i = 1;
            if (keyId.isPresent()) {
                ps.setString(i++, keyId.get());
            }
            if (before.isPresent()) {
                ps.setObject(i, Sql.timestamp(before.get()));
            }
        };
        return store.inTransaction("clear the usage cache", c -> {
            Sql.update(c, "DELETE FROM usage_slice_buckets WHERE 1 = 1" + where, binder);
            return Sql.update(c, "DELETE FROM usage_slice WHERE 1 = 1" + where, binder);
        });
    }

    private int insert(Connection c, Usage day, String buckets) throws SQLException {
        UsageTotals t = day.totals();
        return upsert(c, "usage_slice", COLUMNS + ", fetched_at", 6, ps -> {
            ps.setLong(5, t.inputTokens());
            ps.setLong(6, t.outputTokens());
            ps.setLong(7, t.totalTokens());
            ps.setLong(8, t.requests());
            ps.setLong(9, t.images());
            ps.setObject(10, Sql.timestamp(clock.instant()));
        }, day) + upsert(c, "usage_slice_buckets", "buckets", 1, ps -> ps.setString(5, buckets), day);
    }

    /** Inserts the day's row unless it exists: another instance may have kept the same day first. */
    private int upsert(Connection c, String table, String columns, int count, Sql.Binder values, Usage day)
            throws SQLException {
        String placeholders = ", ?".repeat(4 + count).substring(2);
        // H2 has no ON CONFLICT outside its PostgreSQL mode, PostgreSQL no MERGE ... KEY
        String sql = store.isPostgres()
                ? "INSERT INTO " + table + " (key_id, model, slice_start, slice_end, " + columns + ") VALUES ("
                + placeholders + ") ON CONFLICT DO NOTHING"
                : "MERGE INTO " + table + " (key_id, model, slice_start, slice_end, " + columns + ") "
                + "KEY (key_id, model, slice_start, slice_end) VALUES (" + placeholders + ")";
        return Sql.update(c, sql, ps -> {
            ps.setString(1, day.series().keyId());
            ps.setString(2, day.series().model());
            ps.setObject(3, Sql.timestamp(day.window().start()));
            ps.setObject(4, Sql.timestamp(day.window().end()));
            values.bind(ps);
        });
    }

    private static UsageTotals totals(ResultSet rs) throws SQLException {
        return new UsageTotals(rs.getLong("input_tokens"), rs.getLong("output_tokens"), rs.getLong("total_tokens"),
                rs.getLong("requests"), rs.getLong("images"));
    }

    /**
     * {@code epochSecond,in,out,total,requests,images} per bucket, {@code ;} between buckets. Counts of usage
     * types budgetbot does not know are not kept: nothing reads them.
     */
    static String encode(Collection<UsageBucket> buckets) {
        StringBuilder b = new StringBuilder(buckets.size() * 40);
        for (UsageBucket bucket : buckets) {
            UsageTotals t = bucket.totals();
            if (!b.isEmpty()) {
                b.append(';');
            }
            b.append(bucket.timestamp().getEpochSecond()).append(',').append(t.inputTokens()).append(',')
                    .append(t.outputTokens()).append(',').append(t.totalTokens()).append(',').append(t.requests())
                    .append(',').append(t.images());
        }
        return b.toString();
    }

    static List<UsageBucket> decode(String text) {
        // parsed by hand: a warm check decodes every settled day of every series, and split() and parseLong() on
        // substrings made this the largest cost of the whole check
        List<UsageBucket> buckets = new ArrayList<>(24);
        long[] f = new long[6];
        int field = 0;
        long value = 0;
        for (int i = 0; i <= text.length(); i++) {
            char c = i < text.length() ? text.charAt(i) : ';';
            if (c >= '0' && c <= '9') {
                value = value * 10 + (c - '0');
            } else if (c == ',' || c == ';') {
                f[field++] = value;
                value = 0;
                if (c == ';' && field > 1) {
                    buckets.add(new UsageBucket(Instant.ofEpochSecond(f[0]),
                            new UsageTotals(f[1], f[2], f[3], f[4], f[5]), Map.of()));
                    field = 0;
                }
            } else {
                throw new IllegalStateException("corrupt usage_slice.buckets at character " + i);
            }
        }
        return buckets;
    }
}

package budgetbot.delivery;

import budgetbot.notify.Message;
import budgetbot.state.AlertEvent;
import budgetbot.state.Announcer;
import budgetbot.state.Sql;
import budgetbot.state.StateException;
import budgetbot.state.StateStore;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * The delivery outbox: rendered messages waiting for (or done with) delivery, in the state database. A message is
 * queued in the transaction that records its alert ({@link #announcer}), so that a crash can never lose one
 * half of the pair; the {@link Dispatcher} leases due entries, sends them and records the outcome.
 */
public final class Outbox {
    private static final int MAX_ERROR_LENGTH = 2000;
    private static final String COLUMNS = "id, dedup_key, channel, message, attempts, created_at, next_attempt, last_error";
    private static final String CLAIMABLE = "sent_at IS NULL AND next_attempt <= ? AND (lease_until IS NULL OR lease_until <= ?)";

    private final ObjectMapper json = new ObjectMapper();
    private final StateStore store;

    public Outbox(StateStore store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    /**
     * Queues each announcement of one evaluation in the caller's transaction, rendering each event (an alert or a
     * notice) once however many channels it goes to.
     */
    public <E> Announcer<E> announcer(Function<E, Message> render, Instant now) {
        Map<E, Message> rendered = new HashMap<>();
        return (c, dedupKey, channel, event) ->
                insert(c, dedupKey, channel, rendered.computeIfAbsent(event, render), now, false);
    }

    /**
     * Queues the announcements of one evaluation in the caller's transaction as one message per channel for the
     * events that share a message key: the first such event is queued as an entry, and each further one is
     * rendered into that entry's message (still uncommitted, so no dispatcher has seen it). A further event keeps
     * its own dedup key in a row recorded as done, so that another instance deciding the same event queues it
     * neither. Each list of events is rendered once however many channels it goes to.
     *
     * @param render     one message for events that share a message key, in the order announced
     * @param messageKey events with equal keys go out together (the renderer's choice: one rule and group)
     */
    public Announcer<AlertEvent> announcer(Function<List<AlertEvent>, Message> render,
                                           Function<AlertEvent, ?> messageKey, Instant now) {
        Objects.requireNonNull(render, "render");
        Objects.requireNonNull(messageKey, "messageKey");
        Objects.requireNonNull(now, "now");
        Map<List<AlertEvent>, Message> rendered = new HashMap<>();
        Map<List<Object>, Queued> queued = new HashMap<>();
        return (c, dedupKey, channel, event) -> {
            List<Object> target = List.of(messageKey.apply(event), channel);
            Queued entry = queued.get(target);
            List<AlertEvent> events = new ArrayList<>(entry == null ? List.of() : entry.events());
            events.add(event);
            Message message = rendered.computeIfAbsent(List.copyOf(events), render);
            if (!insert(c, dedupKey, channel, message, now, entry != null)) {
                return false;
            }
            long id = entry != null ? entry.id() : idOf(c, dedupKey);
            if (entry != null) {
                Sql.update(c, "UPDATE outbox SET message = ? WHERE id = ?", ps -> {
                    ps.setString(1, write(message));
                    ps.setLong(2, id);
                });
            }
            queued.put(target, new Queued(id, List.copyOf(events)));
            return true;
        };
    }

    /** The entry an announcer queued for a message key and channel, and the events its message holds. */
    private record Queued(long id, List<AlertEvent> events) {
    }

    /**
     * Queues a message.
     *
     * @return false when an entry with this key exists already (it is not queued again)
     */
    public boolean enqueue(String dedupKey, String channel, Message m, Instant now) {
        Objects.requireNonNull(dedupKey, "dedupKey");
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(m, "m");
        Objects.requireNonNull(now, "now");
        return store.inTransaction("queue " + dedupKey, c -> insert(c, dedupKey, channel, m, now, false));
    }

    /**
     * Leases up to {@code max} entries due at {@code now} to {@code lessee} for {@code lease}; no other caller gets
     * them until they are marked, the lease runs out or is {@linkplain #releaseLeases released}. Counts an attempt
     * for each.
     */
    public List<OutboxEntry> claimDue(Instant now, Duration lease, int max, Lessee lessee) {
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(lessee, "lessee");
        if (lease.isNegative() || lease.isZero()) {
            throw new IllegalArgumentException("lease <= 0: " + lease);
        }
        if (max < 1) {
            throw new IllegalArgumentException("max < 1: " + max);
        }
        return store.autoCommit("claim outbox entries", c -> claimDue(c, now, lease, max, lessee));
    }

    /**
     * Ends the leases that scheduler instances other than {@code keep} hold on undelivered entries, if they run out
     * at or before {@code leasedUntilAtMost}: the next claim takes those entries. Commands' leases are left alone.
     *
     * @return how many leases were ended
     */
    public int releaseLeases(Collection<Lessee> keep, Instant leasedUntilAtMost) {
        Objects.requireNonNull(leasedUntilAtMost, "leasedUntilAtMost");
        List<String> kept = keep.stream().map(Lessee::id).toList();
        return store.autoCommit("release orphaned outbox leases", c -> releaseLeases(c, kept, leasedUntilAtMost));
    }

    public void markSent(long id, Instant now) {
        Objects.requireNonNull(now, "now");
        store.autoCommit("mark outbox entry " + id + " sent", c -> markSent(c, id, now));
    }

    /** Records a failed attempt and releases the lease; the entry is due again at {@code nextAttempt}. */
    public void markFailed(long id, String error, Instant nextAttempt) {
        Objects.requireNonNull(error, "error");
        Objects.requireNonNull(nextAttempt, "nextAttempt");
        store.autoCommit("mark outbox entry " + id + " failed", c -> markFailed(c, id, error, nextAttempt));
    }

    /** Ends every undelivered entry's backoff: the next drain tries them all. Returns how many waited. */
    public int makeAllDue(Instant now) {
        Objects.requireNonNull(now, "now");
        return store.autoCommit("reschedule the outbox", c -> makeDue(c, now));
    }

    /** Whether an entry with this key was ever queued, delivered or not. */
    public boolean isQueued(String dedupKey) {
        Objects.requireNonNull(dedupKey, "dedupKey");
        return store.autoCommit("read the outbox", c -> isQueued(c, dedupKey));
    }

    /** Entries not delivered yet, oldest first. */
    public List<OutboxEntry> pending() {
        return store.autoCommit("read the outbox", this::pending);
    }

    int countPending() {
        return store.autoCommit("count the outbox", this::countPending);
    }

    /**
     * Inserts unless the key exists, in the caller's transaction (see {@link Sql#insertUnlessDuplicate}).
     *
     * @param merged the message goes out with another entry: this row only holds the key, done at once
     */
    private boolean insert(Connection c, String dedupKey, String channel, Message message, Instant now,
                           boolean merged) throws SQLException {
        String body = write(message);
        return Sql.insertUnlessDuplicate(c, "INSERT INTO outbox (dedup_key, channel, message, attempts, created_at, "
                + "next_attempt, sent_at) VALUES (?, ?, ?, 0, ?, ?, ?)", ps -> {
            ps.setString(1, dedupKey);
            ps.setString(2, channel);
            ps.setString(3, body);
            ps.setObject(4, Sql.timestamp(now));
            ps.setObject(5, Sql.timestamp(now));
            ps.setObject(6, merged ? Sql.timestamp(now) : null);
        });
    }

    /**
     * Leases up to {@code max} due entries. Each row is taken by its own conditional UPDATE on an auto-commit
     * connection: of two instances racing for a row only one sees an update count of 1.
     */
    private List<OutboxEntry> claimDue(Connection c, Instant now, Duration lease, int max, Lessee lessee)
            throws SQLException {
        List<Long> candidates = Sql.query(c, "SELECT id FROM outbox WHERE " + CLAIMABLE
                + " ORDER BY next_attempt, id FETCH FIRST ? ROWS ONLY", ps -> {
            ps.setObject(1, Sql.timestamp(now));
            ps.setObject(2, Sql.timestamp(now));
            ps.setInt(3, max);
        }, rs -> rs.getLong(1));
        List<OutboxEntry> claimed = new ArrayList<>();
        for (long id : candidates) {
            int updated = Sql.update(c, "UPDATE outbox SET lease_until = ?, leased_by = ?, attempts = attempts + 1 "
                    + "WHERE id = ? AND " + CLAIMABLE, ps -> {
                ps.setObject(1, Sql.timestamp(now.plus(lease)));
                ps.setString(2, lessee.id());
                ps.setLong(3, id);
                ps.setObject(4, Sql.timestamp(now));
                ps.setObject(5, Sql.timestamp(now));
            });
            if (updated == 1) {
                claimed.addAll(Sql.query(c, "SELECT " + COLUMNS + " FROM outbox WHERE id = ?",
                        ps -> ps.setLong(1, id), this::entry));
            }
        }
        return claimed;
    }

    private int releaseLeases(Connection c, List<String> keep, Instant leasedUntilAtMost) throws SQLException {
        String others = keep.isEmpty() ? ""
                : " AND leased_by NOT IN (" + String.join(", ", Collections.nCopies(keep.size(), "?")) + ")";
        return Sql.update(c, "UPDATE outbox SET lease_until = NULL, leased_by = NULL WHERE sent_at IS NULL"
                + " AND lease_until <= ? AND leased_by LIKE ?" + others, ps -> {
            ps.setObject(1, Sql.timestamp(leasedUntilAtMost));
            ps.setString(2, Lessee.SCHEDULER_PREFIX + "%");
            for (int i = 0; i < keep.size(); i++) {
                ps.setString(3 + i, keep.get(i));
            }
        });
    }

    private int markSent(Connection c, long id, Instant now) throws SQLException {
        return Sql.update(c, "UPDATE outbox SET sent_at = ?, lease_until = NULL, leased_by = NULL WHERE id = ?", ps -> {
            ps.setObject(1, Sql.timestamp(now));
            ps.setLong(2, id);
        });
    }

    private int markFailed(Connection c, long id, String error, Instant nextAttempt) throws SQLException {
        String truncated = error.length() <= MAX_ERROR_LENGTH ? error : error.substring(0, MAX_ERROR_LENGTH);
        // sent_at guard: a late failure report from an instance whose lease ran out must not undo a delivery
        return Sql.update(c, "UPDATE outbox SET last_error = ?, next_attempt = ?, lease_until = NULL, leased_by = NULL "
                + "WHERE id = ? AND sent_at IS NULL", ps -> {
            ps.setString(1, truncated);
            ps.setObject(2, Sql.timestamp(nextAttempt));
            ps.setLong(3, id);
        });
    }

    private int makeDue(Connection c, Instant now) throws SQLException {
        return Sql.update(c, "UPDATE outbox SET next_attempt = ? WHERE sent_at IS NULL AND next_attempt > ?", ps -> {
            ps.setObject(1, Sql.timestamp(now));
            ps.setObject(2, Sql.timestamp(now));
        });
    }

    private long idOf(Connection c, String dedupKey) throws SQLException {
        return Sql.query(c, "SELECT id FROM outbox WHERE dedup_key = ?", ps -> ps.setString(1, dedupKey),
                rs -> rs.getLong(1)).get(0);
    }

    private boolean isQueued(Connection c, String dedupKey) throws SQLException {
        return !Sql.query(c, "SELECT id FROM outbox WHERE dedup_key = ?",
                ps -> ps.setString(1, dedupKey), rs -> rs.getLong(1)).isEmpty();
    }

    private List<OutboxEntry> pending(Connection c) throws SQLException {
        return Sql.query(c, "SELECT " + COLUMNS + " FROM outbox WHERE sent_at IS NULL ORDER BY id", ps -> { },
                this::entry);
    }

    private int countPending(Connection c) throws SQLException {
        return Sql.query(c, "SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL", ps -> { }, rs -> rs.getInt(1)).get(0);
    }

    private OutboxEntry entry(ResultSet rs) throws SQLException {
        return new OutboxEntry(rs.getLong("id"), rs.getString("dedup_key"), rs.getString("channel"),
                read(rs.getString("message")), rs.getInt("attempts"), Sql.instant(rs, "created_at"),
                Sql.instant(rs, "next_attempt"), Optional.ofNullable(rs.getString("last_error")));
    }

    private String write(Message message) {
        try {
            return json.writeValueAsString(message);
        } catch (JsonProcessingException e) {
            throw new StateException("cannot serialise " + message.kind() + " message \"" + message.subject() + "\"", e);
        }
    }

    private Message read(String body) {
        try {
            return json.readValue(body, Message.class);
        } catch (JsonProcessingException e) {
            throw new StateException("cannot read a stored message: " + e.getOriginalMessage(), e);
        }
    }
}

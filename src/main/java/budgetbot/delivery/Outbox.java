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
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The delivery outbox: rendered messages waiting for (or done with) delivery, in the state database. A message is
 * queued in the transaction that records its alert ({@link #announcer}), so that a crash can never lose one
 * half of the pair; the {@link Dispatcher} leases due entries, sends them and records the outcome.
 */
public final class Outbox {
    private static final int MAX_ERROR_LENGTH = 2000;
    /** An entry with its message: inline in rows queued before version 5, else in outbox_message. */
    private static final String COLUMNS = "o.id, o.dedup_key, o.channel, COALESCE(o.message, m.message) AS message, "
            + "o.attempts, o.created_at, o.next_attempt, o.last_error FROM outbox o "
            + "LEFT JOIN outbox_message m ON m.id = o.message_id";
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
        Objects.requireNonNull(render, "render");
        Objects.requireNonNull(now, "now");
        Map<E, Long> stored = new HashMap<>();
        return (c, dedupKey, channel, event) -> {
            Long messageId = stored.get(event);
            if (messageId == null) {
                messageId = storeMessage(c, render.apply(event));
                stored.put(event, messageId);
            }
            return insert(c, dedupKey, channel, messageId, now, Optional.empty(), false);
        };
    }

    /**
     * Queues the announcements of one evaluation in the caller's transaction as one message per channel for the
     * events that share a message key: the first such event is queued as an entry, and each further one is
     * rendered into that entry's message (still uncommitted, so no dispatcher has seen it). A further event keeps
     * its own dedup key in a row recorded as done, so that another instance deciding the same event queues it
     * neither. Each list of events is rendered once however many channels it goes to.
     *
     * <p>A burst: once more than {@code summarizeAbove} message keys (groups of a rule) are queued to one channel,
     * their messages become one, rendered by {@code summarize}, and every further event of the evaluation joins it.
     *
     * @param render         one message for events that share a message key, in the order announced
     * @param messageKey     events with equal keys go out together (the renderer's choice: one rule and group)
     * @param summarize      one message for all the events of a burst, in the order announced
     * @param summarizeAbove how many message keys a channel gets as messages of their own in one evaluation
     */
    public Announcer<AlertEvent> announcer(Function<List<AlertEvent>, Message> render,
                                           Function<AlertEvent, ?> messageKey,
                                           Function<List<AlertEvent>, Message> summarize, int summarizeAbove,
                                           Instant now) {
        Objects.requireNonNull(render, "render");
        Objects.requireNonNull(messageKey, "messageKey");
        Objects.requireNonNull(summarize, "summarize");
        Objects.requireNonNull(now, "now");
        Map<List<AlertEvent>, Message> rendered = new HashMap<>();
        Map<String, Map<Object, Queued>> queued = new HashMap<>();
        Map<String, Queued> bursts = new HashMap<>();
        return (c, dedupKey, channel, event) -> {
            Queued burst = bursts.get(channel);
            if (burst != null) {
                if (!insert(c, dedupKey, channel, burst.messageId(), now, Optional.empty(), true)) {
                    return false;
                }
                bursts.put(channel, rewrite(c, burst, event, summarize));
                return true;
            }
            Map<Object, Queued> byKey = queued.computeIfAbsent(channel, ch -> new LinkedHashMap<>());
            Object key = messageKey.apply(event);
            Queued entry = byKey.get(key);
            List<AlertEvent> events = new ArrayList<>(entry == null ? List.of() : entry.events());
            events.add(event);
            Message message = rendered.computeIfAbsent(List.copyOf(events), render);
            long messageId = entry != null ? entry.messageId() : storeMessage(c, message);
            if (!insert(c, dedupKey, channel, messageId, now, Optional.empty(), entry != null)) {
                return false;
            }
            if (entry != null) {
                updateMessage(c, messageId, message);
            }
            byKey.put(key, new Queued(messageId, List.copyOf(events)));
            if (byKey.size() > summarizeAbove) {
                bursts.put(channel, merge(c, List.copyOf(byKey.values()), now, summarize));
                byKey.clear();
            }
            return true;
        };
    }

    /**
     * Turns the messages queued for one channel into one: the first entry's message becomes the summary of all
     * their events, and the other entries are recorded as done with it, as merged rows are.
     */
    private Queued merge(Connection c, List<Queued> messages, Instant now, Function<List<AlertEvent>, Message> summarize)
            throws SQLException {
        Queued head = messages.get(0);
        List<AlertEvent> events = new ArrayList<>();
        for (Queued q : messages) {
            events.addAll(q.events());
            if (q != head) {
                Sql.update(c, "UPDATE outbox SET message_id = ?, sent_at = COALESCE(sent_at, ?) WHERE message_id = ?",
                        ps -> {
                            ps.setLong(1, head.messageId());
                            ps.setObject(2, Sql.timestamp(now));
                            ps.setLong(3, q.messageId());
                        });
                Sql.update(c, "DELETE FROM outbox_message WHERE id = ?", ps -> ps.setLong(1, q.messageId()));
            }
        }
        updateMessage(c, head.messageId(), summarize.apply(events));
        return new Queued(head.messageId(), List.copyOf(events));
    }

    private Queued rewrite(Connection c, Queued burst, AlertEvent event, Function<List<AlertEvent>, Message> summarize)
            throws SQLException {
        List<AlertEvent> events = new ArrayList<>(burst.events());
        events.add(event);
        updateMessage(c, burst.messageId(), summarize.apply(events));
        return new Queued(burst.messageId(), List.copyOf(events));
    }

    private void updateMessage(Connection c, long messageId, Message message) throws SQLException {
        Sql.update(c, "UPDATE outbox_message SET message = ? WHERE id = ?", ps -> {
            ps.setString(1, write(message));
            ps.setLong(2, messageId);
        });
    }

    /** The message an announcer queued for a message key and channel, and the events it holds. */
    private record Queued(long messageId, List<AlertEvent> events) {
    }

    /** Where one copy of a message goes: a channel, and the key that makes it go there once. */
    public record Target(String dedupKey, String channel) {
        public Target {
            Objects.requireNonNull(dedupKey, "dedupKey");
            Objects.requireNonNull(channel, "channel");
        }
    }

    /**
     * Queues a message.
     *
     * @return false when an entry with this key exists already (it is not queued again)
     */
    public boolean enqueue(String dedupKey, String channel, Message m, Instant now) {
        return !enqueue(List.of(new Target(dedupKey, channel)), m, now, Optional.empty()).isEmpty();
    }

    /**
     * Queues one message for several channels in one transaction, its body stored once however many channels
     * get it (a digest's chart is most of it).
     *
     * @param keepUntil keep the entries' dedup keys until then, also once delivered and older than the retention
     * @return the targets it was queued for; the others had an entry with their key already
     */
    public List<Target> enqueue(List<Target> targets, Message m, Instant now, Optional<Instant> keepUntil) {
        Objects.requireNonNull(m, "m");
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(keepUntil, "keepUntil");
        return store.inTransaction("queue " + m.kind() + " \"" + m.subject() + "\"", c -> {
            long messageId = storeMessage(c, m);
            List<Target> queued = new ArrayList<>();
            for (Target t : targets) {
                if (insert(c, t.dedupKey(), t.channel(), messageId, now, keepUntil, false)) {
                    queued.add(t);
                }
            }
            return queued;
        });
    }

    /**
     * Forgets entries delivered before {@code sentBefore} whose dedup key is not kept past {@code now}, and the
     * messages no entry refers to any more. Undelivered entries are never forgotten.
     *
     * @return how many entries were forgotten
     */
    public int purge(Instant sentBefore, Instant now) {
        Objects.requireNonNull(sentBefore, "sentBefore");
        Objects.requireNonNull(now, "now");
        return store.inTransaction("purge the outbox", c -> {
            int entries = Sql.update(c, "DELETE FROM outbox WHERE sent_at IS NOT NULL AND sent_at < ? "
                    + "AND (keep_until IS NULL OR keep_until < ?)", ps -> {
                ps.setObject(1, Sql.timestamp(sentBefore));
                ps.setObject(2, Sql.timestamp(now));
            });
            Sql.update(c, "DELETE FROM outbox_message WHERE NOT EXISTS "
                    + "(SELECT 1 FROM outbox o WHERE o.message_id = outbox_message.id)", ps -> { });
            return entries;
        });
    }

    /**
     * Leases up to {@code max} entries due at {@code now} to {@code lessee} for {@code lease}; no other caller gets
     * them until they are marked, the lease runs out or is {@linkplain #releaseLeases released}. Counts an attempt
     * for each.
     */
    public List<OutboxEntry> claimDue(Instant now, Duration lease, int max, Lessee lessee) {
        return claimDue(now, now, lease, max, lessee);
    }

    /**
     * As {@link #claimDue(Instant, Duration, int, Lessee)}, but only entries due by {@code dueBy} (a drain's start,
     * so that what fails in the drain waits for the next one), leased from {@code now} on: a long drain's later
     * batches get whole leases.
     */
    public List<OutboxEntry> claimDue(Instant dueBy, Instant now, Duration lease, int max, Lessee lessee) {
        Objects.requireNonNull(dueBy, "dueBy");
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(lessee, "lessee");
        if (lease.isNegative() || lease.isZero()) {
            throw new IllegalArgumentException("lease <= 0: " + lease);
        }
        if (max < 1) {
            throw new IllegalArgumentException("max < 1: " + max);
        }
        return store.autoCommit("claim outbox entries", c -> claimDue(c, dueBy, now, lease, max, lessee));
    }

    /**
     * Extends {@code lessee}'s leases on {@code ids} to {@code until}: a batch whose sends are slow keeps the leases
     * of what it has yet to send. Returns the ids whose lease is still {@code lessee}'s; one that ran out and that
     * another sender took is not, and must not be sent.
     */
    public Set<Long> renew(Collection<Long> ids, Instant until, Lessee lessee) {
        Objects.requireNonNull(until, "until");
        Objects.requireNonNull(lessee, "lessee");
        if (ids.isEmpty()) {
            return Set.of();
        }
        return store.autoCommit("renew outbox leases", c -> {
            Set<Long> held = new HashSet<>();
            for (long id : ids) {
                if (Sql.update(c, "UPDATE outbox SET lease_until = ? WHERE id = ? AND leased_by = ? AND sent_at IS NULL",
                        ps -> {
                            ps.setObject(1, Sql.timestamp(until));
                            ps.setLong(2, id);
                            ps.setString(3, lessee.id());
                        }) == 1) {
                    held.add(id);
                }
            }
            return held;
        });
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

    /** Records a delivery by the holder of the entry's lease; false (nothing changed) for anyone else. */
    public boolean markSent(long id, Instant now, Lessee holder) {
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(holder, "holder");
        return store.autoCommit("mark outbox entry " + id + " sent", c -> markSent(c, id, now, holder)) == 1;
    }

    /**
     * Records a failed attempt by the holder of the entry's lease and releases the lease; the entry is due again at
     * {@code nextAttempt}. False (nothing changed) for anyone else: a late report must not reschedule another's try.
     */
    public boolean markFailed(long id, String error, Instant nextAttempt, Lessee holder) {
        Objects.requireNonNull(error, "error");
        Objects.requireNonNull(nextAttempt, "nextAttempt");
        Objects.requireNonNull(holder, "holder");
        return store.autoCommit("mark outbox entry " + id + " failed",
                c -> markFailed(c, id, error, nextAttempt, holder)) == 1;
    }

    /**
     * Hands a leased entry back unsent, due at {@code at}, without counting its claim as an attempt: its channel is
     * at its rate limit. False (nothing changed) for anyone but the holder.
     */
    public boolean defer(long id, Instant at, Lessee holder) {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(holder, "holder");
        return store.autoCommit("defer outbox entry " + id, c -> Sql.update(c, "UPDATE outbox SET next_attempt = ?, "
                + "attempts = attempts - 1, lease_until = NULL, leased_by = NULL WHERE id = ? AND sent_at IS NULL "
                + "AND leased_by = ?", ps -> {
                    ps.setObject(1, Sql.timestamp(at));
                    ps.setLong(2, id);
                    ps.setString(3, holder.id());
                })) == 1;
    }

    /**
     * When each channel was sent a message since {@code since}, by any sender of this database, oldest first. Rows
     * merged into another entry's message count as sent but were never claimed (no attempt): they are left out.
     */
    public Map<String, List<Instant>> sentSince(Instant since) {
        Objects.requireNonNull(since, "since");
        return store.autoCommit("read the outbox", c -> {
            Map<String, List<Instant>> sent = new HashMap<>();
            Sql.query(c, "SELECT channel, sent_at FROM outbox WHERE sent_at >= ? AND attempts > 0 ORDER BY sent_at",
                    ps -> ps.setObject(1, Sql.timestamp(since)),
                    rs -> sent.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(Sql.instant(rs, "sent_at")));
            return sent;
        });
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

    /** The undelivered notifications per channel, by channel name; reads no message bodies. */
    public List<Backlog> backlog() {
        return store.autoCommit("read the outbox", this::backlog);
    }

    int countPending() {
        return store.autoCommit("count the outbox", this::countPending);
    }

    /**
     * Inserts unless the key exists, in the caller's transaction (see {@link Sql#insertUnlessDuplicate}).
     *
     * @param merged the message goes out with another entry: this row only holds the key, done at once
     */
    private boolean insert(Connection c, String dedupKey, String channel, long messageId, Instant now,
                           Optional<Instant> keepUntil, boolean merged) throws SQLException {
        return Sql.insertUnlessDuplicate(c, "INSERT INTO outbox (dedup_key, channel, message_id, attempts, "
                + "created_at, next_attempt, keep_until, sent_at) VALUES (?, ?, ?, 0, ?, ?, ?, ?)", ps -> {
            ps.setString(1, dedupKey);
            ps.setString(2, channel);
            ps.setLong(3, messageId);
            ps.setObject(4, Sql.timestamp(now));
            ps.setObject(5, Sql.timestamp(now));
            ps.setObject(6, Sql.timestamp(keepUntil.orElse(null)));
            ps.setObject(7, merged ? Sql.timestamp(now) : null);
        });
    }

    /** Stores a message once for the entries that send it; an entry that turns out a duplicate leaves it unused. */
    private long storeMessage(Connection c, Message message) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO outbox_message (message) VALUES (?)",
                new String[]{"id"})) {
            ps.setString(1, write(message));
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                keys.next();
                return keys.getLong(1);
            }
        }
    }

    /**
     * Leases up to {@code max} due entries. Each row is taken by its own conditional UPDATE on an auto-commit
     * connection: of two instances racing for a row only one sees an update count of 1.
     */
    private List<OutboxEntry> claimDue(Connection c, Instant dueBy, Instant now, Duration lease, int max,
                                       Lessee lessee) throws SQLException {
        List<Long> candidates = Sql.query(c, "SELECT id FROM outbox WHERE " + CLAIMABLE
                + " ORDER BY next_attempt, id FETCH FIRST ? ROWS ONLY", ps -> {
            ps.setObject(1, Sql.timestamp(dueBy));
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
                ps.setObject(4, Sql.timestamp(dueBy));
                ps.setObject(5, Sql.timestamp(now));
            });
            if (updated == 1) {
                claimed.addAll(Sql.query(c, "SELECT " + COLUMNS + " WHERE o.id = ?",
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

    private int markSent(Connection c, long id, Instant now, Lessee holder) throws SQLException {
        return Sql.update(c, "UPDATE outbox SET sent_at = ?, lease_until = NULL, leased_by = NULL WHERE id = ?"
                + " AND leased_by = ?", ps -> {
            ps.setObject(1, Sql.timestamp(now));
            ps.setLong(2, id);
            ps.setString(3, holder.id());
        });
    }

    private int markFailed(Connection c, long id, String error, Instant nextAttempt, Lessee holder)
            throws SQLException {
        String truncated = error.length() <= MAX_ERROR_LENGTH ? error : error.substring(0, MAX_ERROR_LENGTH);
        // sent_at guard: a late failure report from an instance whose lease ran out must not undo a delivery
        return Sql.update(c, "UPDATE outbox SET last_error = ?, next_attempt = ?, lease_until = NULL, leased_by = NULL "
                + "WHERE id = ? AND sent_at IS NULL AND leased_by = ?", ps -> {
            ps.setString(1, truncated);
            ps.setObject(2, Sql.timestamp(nextAttempt));
            ps.setLong(3, id);
            ps.setString(4, holder.id());
        });
    }

    private int makeDue(Connection c, Instant now) throws SQLException {
        return Sql.update(c, "UPDATE outbox SET next_attempt = ? WHERE sent_at IS NULL AND next_attempt > ?", ps -> {
            ps.setObject(1, Sql.timestamp(now));
            ps.setObject(2, Sql.timestamp(now));
        });
    }

    private boolean isQueued(Connection c, String dedupKey) throws SQLException {
        return !Sql.query(c, "SELECT id FROM outbox WHERE dedup_key = ?",
                ps -> ps.setString(1, dedupKey), rs -> rs.getLong(1)).isEmpty();
    }

    private List<OutboxEntry> pending(Connection c) throws SQLException {
        return Sql.query(c, "SELECT " + COLUMNS + " WHERE o.sent_at IS NULL ORDER BY o.id", ps -> { },
                this::entry);
    }

    private List<Backlog> backlog(Connection c) throws SQLException {
        Map<String, String> lastErrors = new HashMap<>();
        Sql.query(c, "SELECT channel, last_error FROM outbox WHERE sent_at IS NULL AND last_error IS NOT NULL "
                + "ORDER BY id DESC", ps -> { }, rs -> lastErrors.putIfAbsent(rs.getString(1), rs.getString(2)));
        return Sql.query(c, "SELECT channel, COUNT(*) AS pending, MIN(created_at) AS oldest FROM outbox "
                + "WHERE sent_at IS NULL GROUP BY channel ORDER BY channel", ps -> { },
                rs -> new Backlog(rs.getString("channel"), rs.getInt("pending"), Sql.instant(rs, "oldest"),
                        Optional.ofNullable(lastErrors.get(rs.getString("channel")))));
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

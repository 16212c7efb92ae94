package budgetbot.state;

import budgetbot.notify.Message;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The outbox table's SQL; every method runs on a connection the caller owns. */
final class Outbox {
    private static final int MAX_ERROR_LENGTH = 2000;
    private static final String COLUMNS = "id, dedup_key, channel, message, attempts, created_at, next_attempt, last_error";
    private static final String CLAIMABLE = "sent_at IS NULL AND next_attempt <= ? AND (lease_until IS NULL OR lease_until <= ?)";

    private final ObjectMapper json = new ObjectMapper();

    /**
     * Inserts unless the key exists. A savepoint keeps a duplicate from aborting the caller's transaction
     * (PostgreSQL would), and a concurrent insert of the same key waits for the other transaction and then
     * counts as a duplicate.
     */
    boolean insert(Connection c, String dedupKey, String channel, Message message, Instant now) throws SQLException {
        String body = write(message);
        Savepoint savepoint = c.setSavepoint();
        try {
            Sql.update(c, "INSERT INTO outbox (dedup_key, channel, message, attempts, created_at, next_attempt) "
                    + "VALUES (?, ?, ?, 0, ?, ?)", ps -> {
                ps.setString(1, dedupKey);
                ps.setString(2, channel);
                ps.setString(3, body);
                ps.setObject(4, Sql.timestamp(now));
                ps.setObject(5, Sql.timestamp(now));
            });
            c.releaseSavepoint(savepoint);
            return true;
        } catch (SQLException e) {
            if (!Sql.isUniqueViolation(e)) {
                throw e;
            }
            c.rollback(savepoint);
            return false;
        }
    }

    /**
     * Leases up to {@code max} due entries. Each row is taken by its own conditional UPDATE on an auto-commit
     * connection: of two instances racing for a row only one sees an update count of 1.
     */
    List<OutboxEntry> claimDue(Connection c, Instant now, Duration lease, int max) throws SQLException {
        List<Long> candidates = Sql.query(c, "SELECT id FROM outbox WHERE " + CLAIMABLE
                + " ORDER BY next_attempt, id FETCH FIRST ? ROWS ONLY", ps -> {
            ps.setObject(1, Sql.timestamp(now));
            ps.setObject(2, Sql.timestamp(now));
            ps.setInt(3, max);
        }, rs -> rs.getLong(1));
        List<OutboxEntry> claimed = new ArrayList<>();
        for (long id : candidates) {
            int updated = Sql.update(c, "UPDATE outbox SET lease_until = ?, attempts = attempts + 1 WHERE id = ? AND "
                    + CLAIMABLE, ps -> {
                ps.setObject(1, Sql.timestamp(now.plus(lease)));
                ps.setLong(2, id);
                ps.setObject(3, Sql.timestamp(now));
                ps.setObject(4, Sql.timestamp(now));
            });
            if (updated == 1) {
                claimed.addAll(Sql.query(c, "SELECT " + COLUMNS + " FROM outbox WHERE id = ?",
                        ps -> ps.setLong(1, id), this::entry));
            }
        }
        return claimed;
    }

    void markSent(Connection c, long id, Instant now) throws SQLException {
        Sql.update(c, "UPDATE outbox SET sent_at = ?, lease_until = NULL WHERE id = ?", ps -> {
            ps.setObject(1, Sql.timestamp(now));
            ps.setLong(2, id);
        });
    }

    void markFailed(Connection c, long id, String error, Instant nextAttempt) throws SQLException {
        String truncated = error.length() <= MAX_ERROR_LENGTH ? error : error.substring(0, MAX_ERROR_LENGTH);
        // sent_at guard: a late failure report from an instance whose lease ran out must not undo a delivery
        Sql.update(c, "UPDATE outbox SET last_error = ?, next_attempt = ?, lease_until = NULL "
                + "WHERE id = ? AND sent_at IS NULL", ps -> {
            ps.setString(1, truncated);
            ps.setObject(2, Sql.timestamp(nextAttempt));
            ps.setLong(3, id);
        });
    }

    int makeDue(Connection c, Instant now) throws SQLException {
        return Sql.update(c, "UPDATE outbox SET next_attempt = ? WHERE sent_at IS NULL AND next_attempt > ?", ps -> {
            ps.setObject(1, Sql.timestamp(now));
            ps.setObject(2, Sql.timestamp(now));
        });
    }

    boolean isQueued(Connection c, String dedupKey) throws SQLException {
        return !Sql.query(c, "SELECT id FROM outbox WHERE dedup_key = ?",
                ps -> ps.setString(1, dedupKey), rs -> rs.getLong(1)).isEmpty();
    }

    List<OutboxEntry> pending(Connection c) throws SQLException {
        return Sql.query(c, "SELECT " + COLUMNS + " FROM outbox WHERE sent_at IS NULL ORDER BY id", ps -> { },
                this::entry);
    }

    int countPending(Connection c) throws SQLException {
        return Sql.query(c, "SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL", ps -> { }, rs -> rs.getInt(1)).get(0);
    }

    boolean hasSent(Connection c, String dedupKey) throws SQLException {
        return !Sql.query(c, "SELECT id FROM outbox WHERE dedup_key = ? AND sent_at IS NOT NULL",
                ps -> ps.setString(1, dedupKey), rs -> rs.getLong(1)).isEmpty();
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

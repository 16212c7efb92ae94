package budgetbot.state;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/** Small JDBC helpers shared by the classes that own tables (state, delivery); keeps the conversions the same everywhere. */
public final class Sql {
    private Sql() {
    }

    /** A unit of JDBC work on one connection. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /** Binds one statement's parameters. */
    @FunctionalInterface
    public interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    /** Takes the current row. */
    @FunctionalInterface
    public interface RowConsumer {
        void accept(ResultSet rs) throws SQLException;
    }

    /** Maps the current row. */
    @FunctionalInterface
    public interface RowMapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    /** The vendor error code of the first SQLException among {@code e} and its causes; 0 when there is none. */
    public static int errorCode(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                return sql.getErrorCode();
            }
        }
        return 0;
    }

    /** SQLSTATE 23505, the same in H2 and PostgreSQL. */
    public static boolean isUniqueViolation(SQLException e) {
        return "23505".equals(e.getSQLState());
    }

    /** Both databases store TIMESTAMP WITH TIME ZONE; UTC keeps the round trip exact (to microseconds). */
    public static OffsetDateTime timestamp(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    public static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    public static Optional<Instant> optionalInstant(ResultSet rs, String column) throws SQLException {
        return Optional.ofNullable(instant(rs, column));
    }

    public static int update(Connection c, String sql, Binder binder) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            return ps.executeUpdate();
        }
    }

    /**
     * Runs an INSERT unless it would duplicate a unique key. A savepoint keeps a duplicate from aborting the
     * caller's transaction (PostgreSQL would), and a concurrent insert of the same key waits for the other
     * transaction and then counts as a duplicate.
     *
     * @return false when a row with the same unique key exists (nothing was inserted)
     */
    public static boolean insertUnlessDuplicate(Connection c, String sql, Binder binder) throws SQLException {
        Savepoint savepoint = c.setSavepoint();
        try {
            update(c, sql, binder);
            c.releaseSavepoint(savepoint);
            return true;
        } catch (SQLException e) {
            if (!isUniqueViolation(e)) {
                throw e;
            }
            c.rollback(savepoint);
            return false;
        }
    }

    /** {@code ?, ?, ?}: the parameters of an IN list of {@code n} values. */
    public static String placeholders(int n) {
        return String.join(", ", Collections.nCopies(n, "?"));
    }

    /** Binds {@code values} to the parameters from {@code first} on; returns the next parameter's index. */
    public static int bind(PreparedStatement ps, int first, List<String> values) throws SQLException {
        int i = first;
        for (String v : values) {
            ps.setString(i++, v);
        }
        return i;
    }

    public static <T> List<T> query(Connection c, String sql, Binder binder, RowMapper<T> mapper) throws SQLException {
        List<T> rows = new ArrayList<>();
        each(c, sql, binder, rs -> rows.add(mapper.map(rs)));
        return rows;
    }

    /** Hands each row to {@code row} as it is read, for results too large to keep as a list. */
    public static void each(Connection c, String sql, Binder binder, RowConsumer row) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    row.accept(rs);
                }
            }
        }
    }
}

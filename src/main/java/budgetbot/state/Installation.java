package budgetbot.state;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/** The installation table's SQL: when {@code run} first started on this database; on the caller's connection. */
final class Installation {
    private Installation() {
    }

    /** The recorded first start, or {@code now} recorded as it when there is none (the first start is now). */
    static Instant firstStart(Connection c, Instant now) throws SQLException {
        List<Instant> recorded = read(c);
        if (!recorded.isEmpty()) {
            return recorded.get(0);
        }
        // two instances of a cluster may start at once: the one that inserts first holds
        Sql.insertUnlessDuplicate(c, "INSERT INTO installation (id, installed_at) VALUES (1, ?)",
                ps -> ps.setObject(1, Sql.timestamp(now)));
        return read(c).get(0);
    }

    private static List<Instant> read(Connection c) throws SQLException {
        return Sql.query(c, "SELECT installed_at FROM installation WHERE id = 1", ps -> { },
                rs -> Sql.instant(rs, "installed_at"));
    }
}

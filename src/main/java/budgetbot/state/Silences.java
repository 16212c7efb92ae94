package budgetbot.state;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The silence table's SQL; every method runs on a connection the caller owns. */
final class Silences {
    private static final String COLUMNS = "id, rule, grp, ends_at, reason, created_at";
    private static final int MAX_REASON = 2000;

    private Silences() {
    }

    static Silence add(Connection c, String rule, Optional<String> group, Instant endsAt, String reason, Instant now)
            throws SQLException {
        if (!endsAt.isAfter(now)) {
            throw new IllegalArgumentException("a silence must end in the future, not at " + endsAt);
        }
        if (reason.isBlank() || reason.length() > MAX_REASON) {
            throw new IllegalArgumentException("a silence needs a reason of 1 to " + MAX_REASON + " characters");
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO silence (rule, grp, ends_at, reason, created_at) "
                + "VALUES (?, ?, ?, ?, ?)", new String[]{"id"})) {
            ps.setString(1, rule);
            ps.setString(2, group.orElse(null));
            ps.setObject(3, Sql.timestamp(endsAt));
            ps.setString(4, reason);
            ps.setObject(5, Sql.timestamp(now));
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                keys.next();
                return new Silence(keys.getLong(1), rule, group, endsAt, reason, now);
            }
        }
    }

    /** The silences holding at {@code at}, of every rule or of one, soonest ending first. */
    static List<Silence> active(Connection c, Optional<String> rule, Instant at) throws SQLException {
        return Sql.query(c, "SELECT " + COLUMNS + " FROM silence WHERE ends_at > ?"
                + (rule.isPresent() ? " AND rule = ?" : "") + " ORDER BY ends_at, id", ps -> {
            ps.setObject(1, Sql.timestamp(at));
            if (rule.isPresent()) {
                ps.setString(2, rule.get());
            }
        }, Silences::silence);
    }

    static boolean remove(Connection c, long id) throws SQLException {
        return Sql.update(c, "DELETE FROM silence WHERE id = ?", ps -> ps.setLong(1, id)) == 1;
    }

    private static Silence silence(ResultSet rs) throws SQLException {
        return new Silence(rs.getLong("id"), rs.getString("rule"), Optional.ofNullable(rs.getString("grp")),
                Sql.instant(rs, "ends_at"), rs.getString("reason"), Sql.instant(rs, "created_at"));
    }
}

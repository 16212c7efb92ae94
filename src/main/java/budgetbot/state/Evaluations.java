package budgetbot.state;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** The rule_evaluations table's SQL: as of which moment each rule was last evaluated; on the caller's connection. */
final class Evaluations {
    private Evaluations() {
    }

    /** Records that {@code rule} was evaluated as of {@code at}; a later moment already recorded is kept. */
    static void record(Connection c, String rule, Instant at) throws SQLException {
        if (advance(c, rule, at) == 0 && !insert(c, rule, at)) {
            // the row exists: later than at, or inserted by another transaction since the first look
            advance(c, rule, at);
        }
    }

    /** The latest evaluation of each of {@code rules} that was ever evaluated. */
    static Map<String, Instant> latest(Connection c, Collection<String> rules) throws SQLException {
        if (rules.isEmpty()) {
            return Map.of();
        }
        List<String> names = List.copyOf(rules);
        return Sql.query(c, "SELECT rule, evaluated_at FROM rule_evaluations WHERE rule IN ("
                        + Sql.placeholders(names.size()) + ")", ps -> Sql.bind(ps, 1, names),
                        rs -> Map.entry(rs.getString("rule"), Sql.instant(rs, "evaluated_at")))
                .stream().collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    private static int advance(Connection c, String rule, Instant at) throws SQLException {
        return Sql.update(c, "UPDATE rule_evaluations SET evaluated_at = ? WHERE rule = ? AND evaluated_at < ?", ps -> {
            ps.setObject(1, Sql.timestamp(at));
            ps.setString(2, rule);
            ps.setObject(3, Sql.timestamp(at));
        });
    }

    private static boolean insert(Connection c, String rule, Instant at) throws SQLException {
        return Sql.insertUnlessDuplicate(c, "INSERT INTO rule_evaluations (rule, evaluated_at) VALUES (?, ?)", ps -> {
            ps.setString(1, rule);
            ps.setObject(2, Sql.timestamp(at));
        });
    }
}

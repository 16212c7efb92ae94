package budgetbot.state;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The alert_action and alert_ack tables' SQL: what people did to alerts, and the acknowledgements that hold back
 * reminders. Every method runs on a connection the caller owns.
 */
final class AlertActions {
    static final String ACKNOWLEDGE = "ACKNOWLEDGE";
    static final String SNOOZE = "SNOOZE";
    private static final int MAX_NAME = 200;

    private AlertActions() {
    }

    /**
     * Logs {@code act}; empty when it was logged already (by a retry, or another instance that received it), which
     * a concurrent transaction logging it makes this one wait for.
     *
     * @return the log entry's id
     */
    static Optional<Long> log(Connection c, Act act, String action, String rule, String group, Instant now)
            throws SQLException {
        boolean first = Sql.insertUnlessDuplicate(c, "INSERT INTO alert_action (click_id, action, rule, grp, channel, "
                + "user_id, user_name, acted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", ps -> {
            ps.setString(1, act.id());
            ps.setString(2, action);
            ps.setString(3, rule);
            ps.setString(4, group);
            ps.setString(5, act.channel());
            ps.setString(6, act.userId());
            ps.setString(7, act.userName().length() > MAX_NAME ? act.userName().substring(0, MAX_NAME) : act.userName());
            ps.setObject(8, Sql.timestamp(now));
        });
        if (!first) {
            return Optional.empty();
        }
        return Sql.query(c, "SELECT id FROM alert_action WHERE click_id = ?", ps -> ps.setString(1, act.id()),
                rs -> rs.getLong(1)).stream().findFirst();
    }

    static void snoozed(Connection c, long action, long silence) throws SQLException {
        Sql.update(c, "UPDATE alert_action SET silence_id = ? WHERE id = ?", ps -> {
            ps.setLong(1, silence);
            ps.setLong(2, action);
        });
    }

    static void acknowledge(Connection c, long action, String rule, String group,
                            List<Acknowledgement.Condition> conditions) throws SQLException {
        for (Acknowledgement.Condition condition : conditions) {
            Sql.update(c, "INSERT INTO alert_ack (action_id, rule, condition, grp, period_start, level) "
                    + "VALUES (?, ?, ?, ?, ?, ?)", ps -> {
                ps.setLong(1, action);
                ps.setString(2, rule);
                ps.setString(3, condition.condition());
                ps.setString(4, group);
                ps.setObject(5, Sql.timestamp(condition.periodStart()));
                ps.setBigDecimal(6, condition.level());
            });
        }
    }

    /** The acknowledgements of one rule or of all, oldest first. */
    static List<Acknowledgement> acknowledgements(Connection c, Optional<String> rule) throws SQLException {
        return Sql.query(c, "SELECT k.rule, k.grp, k.condition, k.period_start, k.level, a.user_id, a.user_name, "
                + "a.acted_at FROM alert_ack k JOIN alert_action a ON a.id = k.action_id"
                + (rule.isPresent() ? " WHERE k.rule = ?" : "") + " ORDER BY a.acted_at, a.id", ps -> {
            if (rule.isPresent()) {
                ps.setString(1, rule.get());
            }
        }, rs -> new Acknowledgement(rs.getString("rule"), rs.getString("grp"), new Acknowledgement.Condition(
                rs.getString("condition"), Sql.instant(rs, "period_start"), rs.getBigDecimal("level").stripTrailingZeros()),
                rs.getString("user_id"), rs.getString("user_name"), Sql.instant(rs, "acted_at")));
    }

    /** Forgets what was done before {@code before}, and the acknowledgements it made. */
    static void purge(Connection c, Instant before) throws SQLException {
        Sql.update(c, "DELETE FROM alert_action WHERE acted_at < ?", ps -> ps.setObject(1, Sql.timestamp(before)));
    }
}

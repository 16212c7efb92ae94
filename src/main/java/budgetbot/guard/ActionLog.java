package budgetbot.guard;

import budgetbot.config.BudgetAction;
import budgetbot.state.Sql;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/** The guard_action and guard_audit tables' SQL; every method runs on a connection the caller owns. */
final class ActionLog {
    private static final String COLUMNS = "id, rule, condition, grp, period_start, period_end, key_id, kind, ucloud_field,"
            + " target_value, approval, until_period_end, status, before_value, created_at, updated_at";
    private static final int MAX_DETAIL = 2000;

    private ActionLog() {
    }

    /**
     * Records a new action, unless its rule, condition, group and period have one already (another check, or
     * another instance of a cluster, got there first).
     *
     * @return the new action, or empty when there was one
     */
    static Optional<Action> insert(Connection c, Action a) throws SQLException {
        boolean inserted = Sql.insertUnlessDuplicate(c, "INSERT INTO guard_action (rule, condition, grp, period_start,"
                + " period_end, key_id, kind, ucloud_field, target_value, approval, until_period_end, status,"
                + " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", ps -> {
            ps.setString(1, a.rule());
            ps.setString(2, a.condition());
            ps.setString(3, a.group());
            ps.setObject(4, Sql.timestamp(a.periodStart()));
            ps.setObject(5, Sql.timestamp(a.periodEnd()));
            ps.setString(6, a.keyId());
            ps.setString(7, a.what().name());
            ps.setString(8, a.field());
            ps.setString(9, a.target());
            ps.setString(10, a.approval().name());
            ps.setBoolean(11, a.untilPeriodEnd());
            ps.setString(12, a.status().name());
            ps.setObject(13, Sql.timestamp(a.createdAt()));
            ps.setObject(14, Sql.timestamp(a.updatedAt()));
        });
        if (!inserted) {
            return Optional.empty();
        }
        return Sql.query(c, "SELECT " + COLUMNS + " FROM guard_action WHERE rule = ? AND condition = ? AND grp = ?"
                + " AND period_start = ?", ps -> {
            ps.setString(1, a.rule());
            ps.setString(2, a.condition());
            ps.setString(3, a.group());
            ps.setObject(4, Sql.timestamp(a.periodStart()));
        }, ActionLog::action).stream().findFirst();
    }

    static Optional<Action> find(Connection c, long id) throws SQLException {
        return Sql.query(c, "SELECT " + COLUMNS + " FROM guard_action WHERE id = ?", ps -> ps.setLong(1, id),
                ActionLog::action).stream().findFirst();
    }

    /** Every action, newest first. */
    static List<Action> all(Connection c) throws SQLException {
        return Sql.query(c, "SELECT " + COLUMNS + " FROM guard_action ORDER BY id DESC", ps -> { }, ActionLog::action);
    }

    /** The actions of {@code rule} whose period holds {@code at}. */
    static List<Action> during(Connection c, String rule, Instant at) throws SQLException {
        return Sql.query(c, "SELECT " + COLUMNS + " FROM guard_action WHERE rule = ? AND period_start <= ?"
                + " AND period_end > ? ORDER BY id", ps -> {
            ps.setString(1, rule);
            ps.setObject(2, Sql.timestamp(at));
            ps.setObject(3, Sql.timestamp(at));
        }, ActionLog::action);
    }

    /** The applied actions of {@code rule} that undo themselves when their period ended by {@code now}. */
    static List<Action> dueReverts(Connection c, String rule, Instant now) throws SQLException {
        return Sql.query(c, "SELECT " + COLUMNS + " FROM guard_action WHERE rule = ? AND status = ?"
                + " AND until_period_end AND period_end <= ? ORDER BY id", ps -> {
            ps.setString(1, rule);
            ps.setString(2, Action.Status.APPLIED.name());
            ps.setObject(3, Sql.timestamp(now));
        }, ActionLog::action);
    }

    /**
     * Moves the action from {@code from} to {@code to}; false when it is not in {@code from} (any more): another
     * command or instance moved it first, so only one of them goes on to call UCloud.
     */
    static boolean move(Connection c, long id, Action.Status from, Action.Status to, Instant now) throws SQLException {
        return Sql.update(c, "UPDATE guard_action SET status = ?, updated_at = ? WHERE id = ? AND status = ?", ps -> {
            ps.setString(1, to.name());
            ps.setObject(2, Sql.timestamp(now));
            ps.setLong(3, id);
            ps.setString(4, from.name());
        }) == 1;
    }

    /**
     * Keeps the field's value read just before sending the change, so that an action interrupted after UCloud took
     * it can still be undone ({@link Actions#review} recovers it).
     */
    static void sending(Connection c, long id, String before, Instant now) throws SQLException {
        Sql.update(c, "UPDATE guard_action SET before_value = ?, updated_at = ? WHERE id = ? AND status = ?", ps -> {
            ps.setString(1, before);
            ps.setObject(2, Sql.timestamp(now));
            ps.setLong(3, id);
            ps.setString(4, Action.Status.APPLYING.name());
        });
    }

    /** The actions being applied or undone since {@code before} or earlier: left so by a process that stopped. */
    static List<Action> interrupted(Connection c, Instant before) throws SQLException {
        return Sql.query(c, "SELECT " + COLUMNS + " FROM guard_action WHERE status IN (?, ?) AND updated_at <= ?"
                + " ORDER BY id", ps -> {
            ps.setString(1, Action.Status.APPLYING.name());
            ps.setString(2, Action.Status.REVERTING.name());
            ps.setObject(3, Sql.timestamp(before));
        }, ActionLog::action);
    }

    /**
     * Takes over an interrupted action (still in its status, untouched since {@code before}) by renewing its
     * {@code updated_at}; false when another instance did first.
     */
    static boolean takeOver(Connection c, Action a, Instant before, Instant now) throws SQLException {
        return Sql.update(c, "UPDATE guard_action SET updated_at = ? WHERE id = ? AND status = ? AND updated_at <= ?",
                ps -> {
                    ps.setObject(1, Sql.timestamp(now));
                    ps.setLong(2, a.id());
                    ps.setString(3, a.status().name());
                    ps.setObject(4, Sql.timestamp(before));
                }) == 1;
    }

    static void applied(Connection c, long id, String before, Instant now) throws SQLException {
        Sql.update(c, "UPDATE guard_action SET status = ?, before_value = ?, updated_at = ? WHERE id = ?", ps -> {
            ps.setString(1, Action.Status.APPLIED.name());
            ps.setString(2, before);
            ps.setObject(3, Sql.timestamp(now));
            ps.setLong(4, id);
        });
    }

    /** One step of an action, kept for good. */
    record Entry(long actionId, Instant at, String event, String actor, Optional<String> before,
                 Optional<String> after, OptionalInt retCode, Optional<String> requestId, Optional<String> detail) {
    }

    static void audit(Connection c, Entry e) throws SQLException {
        Sql.update(c, "INSERT INTO guard_audit (action_id, happened_at, event, actor, before_value, after_value,"
                + " ret_code, request_id, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", ps -> {
            ps.setLong(1, e.actionId());
            ps.setObject(2, Sql.timestamp(e.at()));
            ps.setString(3, e.event());
            ps.setString(4, e.actor());
            ps.setString(5, e.before().orElse(null));
            ps.setString(6, e.after().orElse(null));
            if (e.retCode().isPresent()) {
                ps.setInt(7, e.retCode().getAsInt());
            } else {
                ps.setNull(7, Types.INTEGER);
            }
            ps.setString(8, e.requestId().orElse(null));
            ps.setString(9, e.detail().map(d -> d.length() > MAX_DETAIL ? d.substring(0, MAX_DETAIL) : d)
                    .orElse(null));
        });
    }

    /** The audit of one action, oldest first. */
    static List<Entry> audit(Connection c, long id) throws SQLException {
        return Sql.query(c, "SELECT action_id, happened_at, event, actor, before_value, after_value, ret_code,"
                + " request_id, detail FROM guard_audit WHERE action_id = ? ORDER BY id", ps -> ps.setLong(1, id),
                rs -> {
                    int retCode = rs.getInt("ret_code");
                    OptionalInt ret = rs.wasNull() ? OptionalInt.empty() : OptionalInt.of(retCode);
                    return new Entry(rs.getLong("action_id"), Sql.instant(rs, "happened_at"), rs.getString("event"),
                            rs.getString("actor"), Optional.ofNullable(rs.getString("before_value")),
                            Optional.ofNullable(rs.getString("after_value")), ret,
                            Optional.ofNullable(rs.getString("request_id")),
                            Optional.ofNullable(rs.getString("detail")));
                });
    }

    private static Action action(ResultSet rs) throws SQLException {
        return new Action(rs.getLong("id"), rs.getString("rule"), rs.getString("condition"), rs.getString("grp"),
                Sql.instant(rs, "period_start"), Sql.instant(rs, "period_end"), rs.getString("key_id"),
                BudgetAction.Do.valueOf(rs.getString("kind")), rs.getString("ucloud_field"),
                rs.getString("target_value"), BudgetAction.Approval.valueOf(rs.getString("approval")),
                rs.getBoolean("until_period_end"), Action.Status.valueOf(rs.getString("status")),
                Optional.ofNullable(rs.getString("before_value")), Sql.instant(rs, "created_at"),
                Sql.instant(rs, "updated_at"));
    }
}

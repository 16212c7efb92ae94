package budgetbot.state;

import budgetbot.config.RuleConfig;
import budgetbot.rules.Finding;
import budgetbot.rules.Kind;
import budgetbot.time.Window;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The alert_state and alert_events tables' SQL; every method runs on a connection the caller owns. */
final class Alerts {
    private static final Logger log = LoggerFactory.getLogger(Alerts.class);
    private static final String STATE_COLUMNS = "rule, condition, grp, channel, period_start, kind, level, active, "
            + "first_fired, last_fired, last_notified, resolved_at";

    List<Announcement> apply(Connection c, RuleConfig rule, List<Finding> findings, Instant now,
                             Announcer<AlertEvent> announcer, String currency, ZoneId zone, boolean dryRun) throws SQLException {
        List<Announcement> announced = new ArrayList<>();
        List<Silence> silences = Silences.active(c, Optional.of(rule.name()), now);
        List<Acknowledgement> acknowledged = AlertActions.acknowledgements(c, Optional.of(rule.name()));
        Map<List<String>, AlertRecord> states = all(c, rule.name(), !dryRun);
        for (Finding f : findings) {
            if (!f.rule().equals(rule.name())) {
                throw new IllegalArgumentException("finding of rule " + f.rule() + " applied to rule " + rule.name());
            }
            for (String channel : rule.channels()) {
                Optional<AlertRecord> last = Optional.ofNullable(states.get(List.of(f.condition(), f.group(), channel)));
                Optional<AlertStatus> status = AlertPolicy.decide(last, f, now, rule.repeat());
                if (status.isEmpty() || status.get() == AlertStatus.REMINDER
                        && acknowledged.stream().anyMatch(a -> a.covers(f))) {
                    continue;
                }
                Optional<Silence> silence = silences.stream().filter(s -> s.mutes(f.rule(), f.group(), now)).findFirst();
                if (silence.isPresent()) {
                    // the state stays as last announced, so once the silence ends a condition that holds is news
                    if (!dryRun && !recordedSilenced(c, f, channel, status.get())) {
                        appendEvent(c, f, channel, status.get(), now, true);
                        log.info("{} {} on {} is silenced until {} (silence #{}): recorded, not sent", status.get(),
                                f.fingerprint(), channel, silence.get().endsAt(), silence.get().id());
                    }
                    continue;
                }
                AlertEvent event = new AlertEvent(f, status.get(), currency, zone,
                        AlertEvent.Episode.of(last, f, status.get(), now));
                if (!dryRun) {
                    if (!announcer.queue(c, dedupKey(f, channel, status.get(), last), channel, event)) {
                        log.debug("{} {} on {} was already queued by another instance", status.get(), f.fingerprint(), channel);
                        continue;
                    }
                    save(c, last.isPresent(), AlertPolicy.after(last, f, channel, status.get(), now));
                    appendEvent(c, f, channel, status.get(), now, false);
                }
                announced.add(new Announcement(channel, event));
            }
        }
        return announced;
    }

    /**
     * The outbox key of an announcement. It names the state it was decided from (the last notification time),
     * so two instances deciding the same transition collide, while a later reminder or a re-fire after a
     * resolve gets a key of its own.
     */
    static String dedupKey(Finding f, String channel, AlertStatus status, Optional<AlertRecord> last) {
        return f.fingerprint() + "|" + channel + "|" + status + "|" + f.level().stripTrailingZeros().toPlainString()
                + "|" + last.map(r -> r.lastNotified().toString()).orElse("new");
    }

    /**
     * Every alert state of a rule, by condition, group and channel: one query, where one per finding made a rule
     * of thousands of groups (and a backtest of thousands of checks) spend its time in the database.
     */
    private static Map<List<String>, AlertRecord> all(Connection c, String rule, boolean lock) throws SQLException {
        // FOR UPDATE makes a concurrent apply of the same rule wait and then decide from our result
        String sql = "SELECT " + STATE_COLUMNS + " FROM alert_state WHERE rule = ?" + (lock ? " FOR UPDATE" : "");
        Map<List<String>, AlertRecord> states = new HashMap<>();
        for (AlertRecord r : Sql.query(c, sql, ps -> ps.setString(1, rule), Alerts::record)) {
            states.put(List.of(r.condition(), r.group(), r.channel()), r);
        }
        return states;
    }

    Optional<AlertRecord> find(Connection c, String rule, String condition, String group, String channel)
            throws SQLException {
        String sql = "SELECT " + STATE_COLUMNS + " FROM alert_state WHERE rule = ? AND condition = ? AND grp = ? "
                + "AND channel = ?";
        return Sql.query(c, sql, ps -> {
            ps.setString(1, rule);
            ps.setString(2, condition);
            ps.setString(3, group);
            ps.setString(4, channel);
        }, Alerts::record).stream().findFirst();
    }

    List<AlertLogEntry> events(Connection c, Collection<String> rules, Window window) throws SQLException {
        if (rules.isEmpty()) {
            return List.of();
        }
        List<String> names = List.copyOf(rules);
        return Sql.query(c, "SELECT rule, condition, grp, channel, kind, status, level, announced_at, period_start, "
                + "silenced FROM alert_events WHERE rule IN (" + Sql.placeholders(names.size()) + ") "
                + "AND announced_at >= ? AND announced_at < ? ORDER BY announced_at, id", ps -> {
            int next = Sql.bind(ps, 1, names);
            ps.setObject(next, Sql.timestamp(window.start()));
            ps.setObject(next + 1, Sql.timestamp(window.end()));
        }, rs -> new AlertLogEntry(rs.getString("rule"), rs.getString("condition"), rs.getString("grp"),
                rs.getString("channel"), Kind.valueOf(rs.getString("kind")), AlertStatus.valueOf(rs.getString("status")),
                level(rs), Sql.instant(rs, "announced_at"), Sql.instant(rs, "period_start"), rs.getBoolean("silenced")));
    }

    private static void save(Connection c, boolean exists, AlertRecord r) throws SQLException {
        String sql = exists
                ? "UPDATE alert_state SET period_start = ?, kind = ?, level = ?, active = ?, first_fired = ?, "
                + "last_fired = ?, last_notified = ?, resolved_at = ? WHERE rule = ? AND condition = ? AND grp = ? "
                + "AND channel = ?"
                : "INSERT INTO alert_state (period_start, kind, level, active, first_fired, last_fired, last_notified, "
                + "resolved_at, rule, condition, grp, channel) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
        Sql.update(c, sql, ps -> {
            ps.setObject(1, Sql.timestamp(r.periodStart()));
            ps.setString(2, r.kind().name());
            ps.setBigDecimal(3, r.level());
            ps.setBoolean(4, r.active());
            ps.setObject(5, Sql.timestamp(r.firstFired()));
            ps.setObject(6, Sql.timestamp(r.lastFired()));
            ps.setObject(7, Sql.timestamp(r.lastNotified()));
            ps.setObject(8, Sql.timestamp(r.resolvedAt().orElse(null)));
            ps.setString(9, r.rule());
            ps.setString(10, r.condition());
            ps.setString(11, r.group());
            ps.setString(12, r.channel());
        });
    }

    /**
     * Whether the alert's latest log entry on {@code channel} is this very decision, silenced: a silence records
     * each transition once, not once per check.
     */
    private static boolean recordedSilenced(Connection c, Finding f, String channel, AlertStatus status)
            throws SQLException {
        return Sql.query(c, "SELECT status, level, period_start, silenced FROM alert_events WHERE rule = ? "
                + "AND condition = ? AND grp = ? AND channel = ? ORDER BY id DESC FETCH FIRST 1 ROWS ONLY", ps -> {
            ps.setString(1, f.rule());
            ps.setString(2, f.condition());
            ps.setString(3, f.group());
            ps.setString(4, channel);
        }, rs -> rs.getBoolean("silenced") && rs.getString("status").equals(status.name())
                && level(rs).compareTo(f.level()) == 0
                && Sql.instant(rs, "period_start").equals(f.window().start())).stream().anyMatch(same -> same);
    }

    private static void appendEvent(Connection c, Finding f, String channel, AlertStatus status, Instant now,
                                    boolean silenced) throws SQLException {
        Sql.update(c, "INSERT INTO alert_events (rule, condition, grp, channel, kind, status, level, announced_at, "
                + "period_start, silenced) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", ps -> {
            ps.setString(1, f.rule());
            ps.setString(2, f.condition());
            ps.setString(3, f.group());
            ps.setString(4, channel);
            ps.setString(5, f.kind().name());
            ps.setString(6, status.name());
            ps.setBigDecimal(7, f.level());
            ps.setObject(8, Sql.timestamp(now));
            ps.setObject(9, Sql.timestamp(f.window().start()));
            ps.setBoolean(10, silenced);
        });
    }

    private static AlertRecord record(ResultSet rs) throws SQLException {
        return new AlertRecord(rs.getString("rule"), rs.getString("condition"), rs.getString("grp"),
                rs.getString("channel"), Sql.instant(rs, "period_start"), Kind.valueOf(rs.getString("kind")), level(rs),
                rs.getBoolean("active"), Sql.instant(rs, "first_fired"), Sql.instant(rs, "last_fired"),
                Sql.instant(rs, "last_notified"), Sql.optionalInstant(rs, "resolved_at"));
    }

    /** The column's fixed scale (0.800000) is storage detail; callers see the value as it was given. */
    private static BigDecimal level(ResultSet rs) throws SQLException {
        return rs.getBigDecimal("level").stripTrailingZeros();
    }
}

package budgetbot.state;

import budgetbot.config.RuleConfig;
import budgetbot.rules.Coverage;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The blind_spots table's SQL: what each rule cannot see, kept while it lasts so that each cause is announced once
 * per occurrence, across restarts and instances. Every method runs on a connection the caller owns.
 */
final class BlindSpots {
    private static final String UNAVAILABLE = "unavailable";
    private static final String MISCONFIGURED = "misconfigured:";
    private static final int MAX_DETAIL = 2000;

    private record Row(String cause, Instant since, String detail, Optional<Instant> announcedAt) {
    }

    /** Announces each problem not announced yet and forgets those that are gone; returns what was announced. */
    List<Notice> misconfigured(Connection c, RuleConfig rule, List<Coverage.Problem> problems, Instant now, ZoneId zone,
                               Announcer<Notice> announcer) throws SQLException {
        Map<String, Row> known = new LinkedHashMap<>();
        for (Row row : rows(c, rule.name(), MISCONFIGURED + "%")) {
            known.put(row.cause(), row);
        }
        List<Notice> announced = new ArrayList<>();
        for (Coverage.Problem p : problems) {
            String cause = MISCONFIGURED + p.cause();
            // another instance may insert it at the same moment: then that one announces it
            if (known.remove(cause) == null && insert(c, rule.name(), cause, now, p.message(), Optional.of(now))) {
                announced.add(announce(c, rule, cause, new Notice(Notice.Kind.MISCONFIGURED, rule.name(), p.message(),
                        now, now, zone), announcer));
            }
        }
        for (String gone : known.keySet()) {
            delete(c, rule.name(), gone);
        }
        return announced;
    }

    /** What {@link #misconfigured} would announce now, read only: the problems not announced while they last. */
    List<Notice> wouldAnnounce(Connection c, RuleConfig rule, List<Coverage.Problem> problems, Instant now,
                               ZoneId zone) throws SQLException {
        Set<String> known = new HashSet<>();
        for (Row row : rows(c, rule.name(), MISCONFIGURED + "%")) {
            known.add(row.cause());
        }
        return problems.stream().filter(p -> !known.contains(MISCONFIGURED + p.cause()))
                .map(p -> new Notice(Notice.Kind.MISCONFIGURED, rule.name(), p.message(), now, now, zone)).toList();
    }

    /** Records a failed fetch; announces the outage once it has lasted the rule's {@code staleAfter}. */
    Optional<Notice> unavailable(Connection c, RuleConfig rule, String error, Instant now, ZoneId zone,
                                 Announcer<Notice> announcer) throws SQLException {
        Optional<Row> found = row(c, rule.name());
        if (found.isEmpty()) {
            insert(c, rule.name(), UNAVAILABLE, now, error, Optional.empty());
            found = row(c, rule.name());
        }
        Row row = found.orElseThrow();
        boolean due = row.announcedAt().isEmpty() && !now.isBefore(row.since().plus(rule.staleAfter()));
        Sql.update(c, "UPDATE blind_spots SET detail = ?, announced_at = ? WHERE rule = ? AND cause = ?", ps -> {
            ps.setString(1, truncate(error));
            ps.setObject(2, Sql.timestamp(due ? now : row.announcedAt().orElse(null)));
            ps.setString(3, rule.name());
            ps.setString(4, UNAVAILABLE);
        });
        return due ? Optional.of(announce(c, rule, UNAVAILABLE, new Notice(Notice.Kind.UNAVAILABLE, rule.name(), error,
                row.since(), now, zone), announcer)) : Optional.empty();
    }

    /** Ends an outage of the rule's usage; announces the recovery when the outage was announced. */
    Optional<Notice> available(Connection c, RuleConfig rule, Instant now, ZoneId zone, Announcer<Notice> announcer)
            throws SQLException {
        Optional<Row> row = row(c, rule.name());
        if (row.isEmpty()) {
            return Optional.empty();
        }
        delete(c, rule.name(), UNAVAILABLE);
        if (row.get().announcedAt().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(announce(c, rule, UNAVAILABLE, new Notice(Notice.Kind.RECOVERED, rule.name(),
                row.get().detail(), row.get().since(), now, zone), announcer));
    }

    /** Queues {@code notice} for every channel of the rule: once per cause, occurrence, kind and channel. */
    private static Notice announce(Connection c, RuleConfig rule, String cause, Notice notice,
                                   Announcer<Notice> announcer) throws SQLException {
        for (String channel : rule.channels()) {
            announcer.queue(c, "notice|" + rule.name() + "|" + cause + "|" + notice.since() + "|" + notice.kind()
                    + "|" + channel, channel, notice);
        }
        return notice;
    }

    /** The rule's outage row, locked until the transaction ends. */
    private static Optional<Row> row(Connection c, String rule) throws SQLException {
        return Sql.query(c, "SELECT cause, since, detail, announced_at FROM blind_spots WHERE rule = ? AND cause = ? "
                + "FOR UPDATE", ps -> {
            ps.setString(1, rule);
            ps.setString(2, UNAVAILABLE);
        }, BlindSpots::read).stream().findFirst();
    }

    private static List<Row> rows(Connection c, String rule, String causes) throws SQLException {
        return Sql.query(c, "SELECT cause, since, detail, announced_at FROM blind_spots WHERE rule = ? "
                + "AND cause LIKE ? FOR UPDATE", ps -> {
            ps.setString(1, rule);
            ps.setString(2, causes);
        }, BlindSpots::read);
    }

    private static Row read(ResultSet rs) throws SQLException {
        return new Row(rs.getString("cause"), Sql.instant(rs, "since"), rs.getString("detail"),
                Sql.optionalInstant(rs, "announced_at"));
    }

    private static boolean insert(Connection c, String rule, String cause, Instant since, String detail,
                                  Optional<Instant> announcedAt) throws SQLException {
        return Sql.insertUnlessDuplicate(c, "INSERT INTO blind_spots (rule, cause, since, detail, announced_at) "
                + "VALUES (?, ?, ?, ?, ?)", ps -> {
            ps.setString(1, rule);
            ps.setString(2, cause);
            ps.setObject(3, Sql.timestamp(since));
            ps.setString(4, truncate(detail));
            ps.setObject(5, Sql.timestamp(announcedAt.orElse(null)));
        });
    }

    private static void delete(Connection c, String rule, String cause) throws SQLException {
        Sql.update(c, "DELETE FROM blind_spots WHERE rule = ? AND cause = ?", ps -> {
            ps.setString(1, rule);
            ps.setString(2, cause);
        });
    }

    private static String truncate(String detail) {
        return detail.length() <= MAX_DETAIL ? detail : detail.substring(0, MAX_DETAIL);
    }
}

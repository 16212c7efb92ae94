package budgetbot.state;

import budgetbot.config.Secret;
import budgetbot.config.StateConfig;
import budgetbot.delivery.Lessee;
import budgetbot.delivery.Outbox;
import budgetbot.delivery.OutboxEntry;
import budgetbot.time.Window;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A database written by release 0.1.0, before Flyway: its schema and rows as {@code demo} left them (alerts,
 * their log, delivered alerts and a delivered digest), dumped with H2's SCRIPT into a test resource. Opening it
 * now must keep every row and everything readable through today's code.
 */
class ReleaseMigrationTest {
    /** Columns later versions added, with the value every row of release 0.1.0 gets. */
    private static final Map<String, String> ADDED = Map.of("SILENCED", "FALSE", "MESSAGE_ID", "null",
            "KEEP_UNTIL", "null");
    private static final String PENDING_KEY = "prod-daily|budget[0]:tokens/day|uminferapikey-prod|ops|FIRING|1|new";

    @TempDir
    Path tmp;

    @Test
    void aDatabaseOfRelease010MigratesWithNothingLost() throws Exception {
        String url = "jdbc:h2:file:" + tmp.resolve("state");
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("RUNSCRIPT FROM 'classpath:state/release-0.1.0-h2.sql'");
            // an entry still waiting for delivery, as release 0.1.0 queued them
            s.execute("INSERT INTO outbox (dedup_key, channel, message, attempts, created_at, next_attempt, last_error) "
                    + "VALUES ('" + PENDING_KEY + "', 'ops', '{\"kind\":\"alert\",\"subject\":\"waiting\",\"text\":\"t\","
                    + "\"html\":\"<p>h</p>\",\"slackBlocks\":\"[]\",\"images\":[]}', 2, TIMESTAMP WITH TIME ZONE "
                    + "'2026-11-28 06:00:00+00', TIMESTAMP WITH TIME ZONE '2026-11-28 06:30:00+00', 'HTTP 503')");
            // announced later on one more channel: the rule's latest announcement
            s.execute("INSERT INTO alert_state VALUES ('prod-daily', 'budget[0]:tokens/day', 'uminferapikey-prod', "
                    + "'ops', TIMESTAMP WITH TIME ZONE '2026-11-27 16:00:00+00', 'BUDGET', 0.5, TRUE, "
                    + "TIMESTAMP WITH TIME ZONE '2026-11-28 05:00:00+00', TIMESTAMP WITH TIME ZONE '2026-11-28 05:00:00+00', "
                    + "TIMESTAMP WITH TIME ZONE '2026-11-28 07:00:00+00', NULL)");
        }
        List<List<String>> before = rows(url);

        try (StateStore store = StateStore.open(new StateConfig(url, "", new Secret(""), false, Duration.ofDays(90)))) {
            assertThat(releaseColumns(rows(url), before)).as("every row of every table, column by column, added "
                    + "columns at their defaults")
                    .isEqualTo(before);
            assertThat(before).hasSizeGreaterThan(20);

            AlertRecord record = store.alertRecord("prod-daily", "budget[0]:tokens/day", "uminferapikey-prod",
                    "team-slack").orElseThrow();
            assertThat(record.active()).isTrue();
            assertThat(record.level()).isEqualByComparingTo("0.8");
            assertThat(store.alertEvents(List.of("prod-daily", "monthly-spend"),
                    new Window(Instant.parse("2026-11-01T00:00:00Z"), Instant.parse("2026-12-01T00:00:00Z"))))
                    .hasSize(8);

            assertThat(store.lastEvaluated(List.of("prod-daily", "monthly-spend", "never-evaluated")))
                    .as("the latest announcement of each rule counts as its latest evaluation")
                    .containsOnly(Map.entry("prod-daily", Instant.parse("2026-11-28T07:00:00Z")),
                            Map.entry("monthly-spend", Instant.parse("2026-11-28T06:08:05.127415Z")));

            Outbox outbox = new Outbox(store);
            assertThat(outbox.isQueued("digest|daily-summary|2026-11-26T16:00:00Z|team-slack"))
                    .as("a digest sent before the upgrade is not sent again").isTrue();
            assertThat(outbox.pending()).singleElement().satisfies(e -> {
                assertThat(e.dedupKey()).isEqualTo(PENDING_KEY);
                assertThat(e.message().subject()).isEqualTo("waiting");
                assertThat(e.attempts()).isEqualTo(2);
                assertThat(e.lastError()).contains("HTTP 503");
            });
            List<OutboxEntry> due = outbox.claimDue(Instant.parse("2026-11-28T07:00:00Z"),
                    java.time.Duration.ofMinutes(5), 10, Lessee.command());
            assertThat(due).extracting(OutboxEntry::dedupKey).containsExactly(PENDING_KEY);
        }
        try (StateStore reopened = StateStore.open(new StateConfig(url, "", new Secret(""), false, Duration.ofDays(90)))) {
            assertThat(StateStoreTest.versions(reopened)).as("baselined at the release's version once").startsWith("1");
        }
    }

    /**
     * {@code rows} with only the columns that {@code release} has: later migrations add columns (the outbox's
     * {@code leased_by}) and must leave the old ones as they were.
     */
    private static List<List<String>> releaseColumns(List<List<String>> rows, List<List<String>> release) {
        Set<String> columns = release.stream()
                .flatMap(row -> row.stream().skip(1).map(cell -> row.get(0) + "." + cell.substring(0, cell.indexOf('='))))
                .collect(Collectors.toSet());
        return rows.stream().map(row -> {
            List<String> kept = new ArrayList<>(List.of(row.get(0)));
            row.stream().skip(1).filter(cell -> columns.contains(row.get(0) + "." + cell.substring(0, cell.indexOf('='))))
                    .forEach(kept::add);
            return kept;
        }).toList();
    }

    /** Every row of budgetbot's tables as text, in a stable order. */
    private static List<List<String>> rows(String url) throws SQLException {
        List<List<String>> all = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            for (String table : List.of("alert_state ORDER BY rule, condition, grp, channel", "alert_events ORDER BY id",
                    "outbox ORDER BY id")) {
                try (ResultSet rs = s.executeQuery("SELECT * FROM " + table)) {
                    ResultSetMetaData md = rs.getMetaData();
                    while (rs.next()) {
                        List<String> row = new ArrayList<>();
                        row.add(table.substring(0, table.indexOf(' ')));
                        for (int i = 1; i <= md.getColumnCount(); i++) {
                            String column = md.getColumnName(i);
                            if (!ADDED.containsKey(column)) {
                                row.add(column + "=" + rs.getString(i));
                            } else {
                                assertThat(String.valueOf(rs.getString(i))).as(column).isEqualToIgnoringCase(ADDED.get(column));
                            }
                        }
                        all.add(row);
                    }
                }
            }
        }
        return all;
    }
}

package budgetbot.state;

import budgetbot.config.RuleConfig;
import budgetbot.config.StateConfig;
import budgetbot.rules.Finding;
import budgetbot.time.Window;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The durable state of budgetbot in H2 or PostgreSQL: the last announced state of every alert and the alert log
 * that digests read. It owns the connection pool and the schema (opening it migrates); other stages that keep
 * tables in the same database (the delivery outbox) run their SQL through {@link #inTransaction} and
 * {@link #autoCommit}.
 */
public final class StateStore implements AutoCloseable {
    private static final String H2 = "jdbc:h2:";
    private static final String POSTGRES = "jdbc:postgresql:";
    private static final int MAX_POOL_SIZE = 4;
    /** A clustered Quartz borrows the pool too: its 4 job threads plus 3 of its own, as Quartz recommends. */
    private static final int CLUSTER_POOL_SIZE = MAX_POOL_SIZE + 4 + 3;

    private final HikariDataSource dataSource;
    private final boolean postgres;
    private final Alerts alerts = new Alerts();

    private StateStore(HikariDataSource dataSource, boolean postgres) {
        this.dataSource = dataSource;
        this.postgres = postgres;
    }

    /** Connects, creating an H2 file's directory, and brings the schema up to date. */
    public static StateStore open(StateConfig cfg) {
        Objects.requireNonNull(cfg, "cfg");
        boolean postgres = cfg.url().startsWith(POSTGRES);
        if (!postgres && !cfg.url().startsWith(H2)) {
            throw new IllegalArgumentException("state url must start with " + H2 + " or " + POSTGRES + ": "
                    + redact(cfg.url()));
        }
        HikariConfig hc = new HikariConfig();
        hc.setPoolName("budgetbot-state");
        hc.setJdbcUrl(jdbcUrl(cfg.url()));
        hc.setMaximumPoolSize(cfg.cluster() ? CLUSTER_POOL_SIZE : MAX_POOL_SIZE);
        hc.setMinimumIdle(1);
        if (!cfg.username().isEmpty()) {
            hc.setUsername(cfg.username());
        }
        if (!cfg.password().isEmpty()) {
            hc.setPassword(cfg.password().reveal());
        }
        HikariDataSource ds;
        try {
            ds = new HikariDataSource(hc);
        } catch (RuntimeException e) {
            throw new StateException("cannot connect to the state database " + redact(cfg.url()) + ": "
                    + rootMessage(e), e);
        }
        try {
            Migrations.migrate(ds);
        } catch (RuntimeException e) {
            ds.close();
            throw e;
        }
        return new StateStore(ds, postgres);
    }

    /**
     * The URL to connect with. An H2 file gets its directory and {@code AUTO_SERVER=TRUE}, so that a
     * {@code check} can open the file while {@code run} holds it.
     */
    static String jdbcUrl(String url) {
        if (!url.startsWith(H2)) {
            return url;
        }
        String rest = url.substring(H2.length());
        int semicolon = rest.indexOf(';');
        String target = semicolon < 0 ? rest : rest.substring(0, semicolon);
        Optional<Path> file = h2File(target);
        if (file.isEmpty()) {
            return url;
        }
        Path parent = file.get().toAbsolutePath().getParent();
        try {
            Files.createDirectories(parent);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the directory of the state database: " + parent, e);
        }
        String settings = semicolon < 0 ? "" : rest.substring(semicolon).toUpperCase(Locale.ROOT);
        return settings.contains(";AUTO_SERVER=") ? url : url + ";AUTO_SERVER=TRUE";
    }

    private static Optional<Path> h2File(String target) {
        String lower = target.toLowerCase(Locale.ROOT);
        for (String notAFile : List.of("mem:", "tcp:", "ssl:", "zip:")) {
            if (lower.startsWith(notAFile)) {
                return Optional.empty();
            }
        }
        String path = lower.startsWith("file:") ? target.substring("file:".length()) : target;
        if (path.startsWith("~")) {
            path = System.getProperty("user.home") + path.substring(1);
        }
        return Optional.of(Path.of(path));
    }

    /** Settings and credentials can ride in a JDBC URL; messages show only where the database is. */
    private static String redact(String url) {
        int cut = url.length();
        for (char c : new char[]{'?', ';'}) {
            int i = url.indexOf(c);
            if (i >= 0 && i < cut) {
                cut = i;
            }
        }
        return url.substring(0, cut);
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getMessage();
    }

    public DataSource dataSource() {
        return dataSource;
    }

    public boolean isPostgres() {
        return postgres;
    }

    /** Creates or updates Quartz's JDBC JobStore tables (PostgreSQL only: a cluster needs it). */
    public void ensureQuartzSchema() {
        Migrations.migrateQuartz(dataSource);
    }

    /**
     * Decides, for every finding on every channel of {@code rule}, whether to announce it, and queues each
     * announcement in one transaction with the state change and the alert log entry. Findings that hold
     * without news are left alone, so running this twice with the same findings announces nothing new.
     *
     * @param announcer queues each announcement in the same transaction; not called in a dry run
     * @param dryRun    decide only: nothing is written
     * @return what was queued, or in a dry run what would be
     */
    public List<Announcement> apply(RuleConfig rule, List<Finding> findings, Instant now, Announcer announcer,
                                    String currency, ZoneId zone, boolean dryRun) {
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(announcer, "announcer");
        return inTransaction("apply the findings of rule " + rule.name(),
                c -> alerts.apply(c, rule, findings, now, announcer, currency, zone, dryRun));
    }

    /** The last announced state of one alert on one channel. */
    public Optional<AlertRecord> alertRecord(String rule, String condition, String group, String channel) {
        return inTransaction("read alert state", c -> alerts.find(c, rule, condition, group, channel, false));
    }

    /** Announcements of these rules made during {@code window}, oldest first. */
    public List<AlertLogEntry> alertEvents(Collection<String> rules, Window window) {
        Objects.requireNonNull(window, "window");
        return inTransaction("read the alert log", c -> alerts.events(c, rules, window));
    }

    /**
     * Silences {@code rule}'s alerts, or those of one of its groups, until {@code endsAt}.
     *
     * @throws IllegalArgumentException when it would end by {@code now} or has no reason
     */
    public Silence addSilence(String rule, Optional<String> group, Instant endsAt, String reason, Instant now) {
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(endsAt, "endsAt");
        Objects.requireNonNull(reason, "reason");
        return inTransaction("add a silence", c -> Silences.add(c, rule, group, endsAt, reason, now));
    }

    /** The silences holding at {@code at}, soonest ending first. */
    public List<Silence> silences(Instant at) {
        Objects.requireNonNull(at, "at");
        return inTransaction("read the silences", c -> Silences.active(c, Optional.empty(), at));
    }

    /**
     * Forgets the alert log's entries made before {@code before} and the silences that ended by then. The alert
     * state, which decides what is news, is kept whatever its age.
     *
     * @return how many log entries were forgotten
     */
    public int purgeBefore(Instant before) {
        Objects.requireNonNull(before, "before");
        return inTransaction("purge the alert log", c -> {
            Sql.update(c, "DELETE FROM silence WHERE ends_at < ?", ps -> ps.setObject(1, Sql.timestamp(before)));
            return Sql.update(c, "DELETE FROM alert_events WHERE announced_at < ?",
                    ps -> ps.setObject(1, Sql.timestamp(before)));
        });
    }

    /** Ends a silence now; false when there is none with this id. */
    public boolean removeSilence(long id) {
        return inTransaction("remove silence " + id, c -> Silences.remove(c, id));
    }

    @Override
    public void close() {
        dataSource.close();
    }

    /** Runs {@code work} in one transaction: committed when it returns, rolled back when it throws. */
    public <T> T inTransaction(String what, Sql.Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new StateException("cannot " + what + ": " + e.getMessage(), e);
        }
    }

    /** Runs {@code work} on an auto-commit connection: each statement commits by itself. */
    public <T> T autoCommit(String what, Sql.Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw new StateException("cannot " + what + ": " + e.getMessage(), e);
        }
    }
}

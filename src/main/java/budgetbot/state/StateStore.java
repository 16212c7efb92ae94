package budgetbot.state;

import budgetbot.config.RuleConfig;
import budgetbot.config.Secret;
import budgetbot.config.StateConfig;
import budgetbot.rules.Coverage;
import budgetbot.rules.Finding;
import budgetbot.time.Window;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.h2.api.ErrorCode;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * The durable state of budgetbot in H2 or PostgreSQL: the last announced state of every alert and the alert log
 * that digests read. It owns the connection pool and the schema (opening it migrates); other stages that keep
 * tables in the same database (the delivery outbox) run their SQL through {@link #inTransaction} and
 * {@link #autoCommit}.
 */
public final class StateStore implements AutoCloseable {
    private static final String POSTGRES = "jdbc:postgresql:";
    private static final int MAX_POOL_SIZE = 4;
    /** A clustered Quartz borrows the pool too: its 4 job threads plus 3 of its own, as Quartz recommends. */
    private static final int CLUSTER_POOL_SIZE = MAX_POOL_SIZE + 4 + 3;

    private final HikariDataSource dataSource;
    private final boolean postgres;
    /** An in-memory database of this store alone, dropped on close. */
    private final boolean readOnly;
    private final boolean scratch;
    private final Alerts alerts = new Alerts();
    private final BlindSpots blindSpots = new BlindSpots();

    private StateStore(HikariDataSource dataSource, boolean postgres, boolean scratch, boolean readOnly) {
        this.dataSource = dataSource;
        this.postgres = postgres;
        this.scratch = scratch;
        this.readOnly = readOnly;
    }

    /** Connects, creating an H2 file's directory, and brings the schema up to date. */
    public static StateStore open(StateConfig cfg) {
        boolean postgres = isPostgres(cfg);
        return new StateStore(migrated(connect(cfg, jdbcUrl(cfg.url()), false)), postgres, false, false);
    }

    /**
     * Opens the database as it is, for a dry run: nothing is created, migrated or written, and writing fails
     * (an H2 file held by a running {@code run} is read through that process's server, where only the code's
     * care keeps it unwritten). A database that does not exist yet (no H2 file, no budgetbot tables in the
     * PostgreSQL schema) reads as empty state, which lives in memory until {@link #close()}.
     *
     * @throws StateException when the schema is older than this code's: reading it would need a migration
     */
    public static StateStore openReadOnly(StateConfig cfg) {
        boolean postgres = isPostgres(cfg);
        Optional<HikariDataSource> existing = connectReadOnly(cfg);
        if (existing.isEmpty()) {
            return scratch();
        }
        HikariDataSource ds = existing.get();
        try {
            Migrations.Schema schema = Migrations.inspect(ds);
            if (schema.absent()) {
                ds.close();
                return scratch();
            }
            if (schema.behind()) {
                throw new StateException("the state database " + redact(cfg.url()) + " has schema version "
                        + schema.version().orElse("none") + " and this budgetbot needs " + schema.needed()
                        + "; a dry run does not migrate it: run `budgetbot check` or `budgetbot run` once first", null);
            }
            return new StateStore(ds, postgres, false, true);
        } catch (RuntimeException e) {
            ds.close();
            throw e;
        }
    }

    private static boolean isPostgres(StateConfig cfg) {
        Objects.requireNonNull(cfg, "cfg");
        boolean postgres = cfg.url().startsWith(POSTGRES);
        if (!postgres && !cfg.url().startsWith(H2Url.PREFIX)) {
            throw new IllegalArgumentException("state url must start with " + H2Url.PREFIX + " or " + POSTGRES + ": "
                    + redact(cfg.url()));
        }
        return postgres;
    }

    /** Empty when the database does not exist; never creates it. */
    private static Optional<HikariDataSource> connectReadOnly(StateConfig cfg) {
        Optional<H2Url> h2File = H2Url.parse(cfg.url()).filter(u -> u.file().isPresent());
        if (h2File.isEmpty()) {
            return Optional.of(connect(cfg, cfg.url(), true));
        }
        H2Url existing = h2File.get().without("IFEXISTS", "ACCESS_MODE_DATA").with("IFEXISTS", "TRUE");
        try {
            // read-only H2 opens the file without its lock: it writes nothing, not even a lock file
            return Optional.of(connect(cfg, existing.without("AUTO_SERVER").with("ACCESS_MODE_DATA", "r").toString(), true));
        } catch (StateException e) {
            int code = Sql.errorCode(e);
            if (code == ErrorCode.DATABASE_NOT_FOUND_WITH_IF_EXISTS_1) {
                return Optional.empty();
            }
            if (code != ErrorCode.DATABASE_ALREADY_OPEN_1) {
                throw e;
            }
        }
        // the file is held by another process (run): read through its server
        return Optional.of(connect(cfg, (existing.has("AUTO_SERVER") ? existing : existing.with("AUTO_SERVER", "TRUE"))
                .toString(), true));
    }

    /**
     * An empty, migrated state in memory, dropped on close: what a dry run reads when there is no database yet, and
     * where a backtest replays checks.
     */
    public static StateStore scratch() {
        String url = H2Url.PREFIX + "mem:budgetbot-scratch-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        // nothing purges a scratch state: it lives until close
        StateConfig scratch = new StateConfig(url, "", new Secret(""), false, Duration.ZERO);
        return new StateStore(migrated(connect(scratch, url, false)), false, true, false);
    }

    /** {@code ds} with its schema brought up to date; closed when that fails. */
    private static HikariDataSource migrated(HikariDataSource ds) {
        try {
            Migrations.migrate(ds);
            return ds;
        } catch (RuntimeException e) {
            ds.close();
            throw e;
        }
    }

    /**
     * A pool on {@code url}, with {@code cfg}'s credentials and size.
     *
     * @param readOnly connections refuse writes: PostgreSQL's even outside transactions (H2 takes the URL's
     *                 {@code ACCESS_MODE_DATA=r} instead)
     */
    private static HikariDataSource connect(StateConfig cfg, String url, boolean readOnly) {
        HikariConfig hc = new HikariConfig();
        hc.setPoolName("budgetbot-state");
        hc.setJdbcUrl(url);
        hc.setMaximumPoolSize(cfg.cluster() ? CLUSTER_POOL_SIZE : MAX_POOL_SIZE);
        hc.setMinimumIdle(1);
        hc.setConnectionTimeout(cfg.connectTimeout().toMillis());
        hc.setReadOnly(readOnly);
        if (readOnly && url.startsWith(POSTGRES)) {
            hc.addDataSourceProperty("readOnlyMode", "always");
        }
        if (!cfg.username().isEmpty()) {
            hc.setUsername(cfg.username());
        }
        if (!cfg.password().isEmpty()) {
            hc.setPassword(cfg.password().reveal());
        }
        try {
            return new HikariDataSource(hc);
        } catch (RuntimeException e) {
            throw new StateException("cannot connect to the state database " + redact(cfg.url()) + ": "
                    + rootMessage(e), e);
        }
    }

    /**
     * The URL to connect with. An H2 file gets its directory and {@code AUTO_SERVER=TRUE}, so that a
     * {@code check} can open the file while {@code run} holds it.
     */
    static String jdbcUrl(String url) {
        Optional<H2Url> h2 = H2Url.parse(url);
        Optional<Path> file = h2.flatMap(H2Url::file);
        if (file.isEmpty()) {
            return url;
        }
        Path parent = file.get().toAbsolutePath().getParent();
        try {
            Files.createDirectories(parent);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the directory of the state database: " + parent, e);
        }
        return h2.get().has("AUTO_SERVER") ? url : h2.get().with("AUTO_SERVER", "TRUE").toString();
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

    /** Whether this is a dry run's view of an existing database: nothing may be written, not even a cache. */
    public boolean isReadOnly() {
        return readOnly;
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
     * announcement in one transaction with the state change and the alert log entry, and records that the rule
     * was evaluated as of {@code now}. Findings that hold without news are left alone, so running this twice with
     * the same findings announces nothing new.
     *
     * @param announcer queues each announcement in the same transaction; not called in a dry run
     * @param dryRun    decide only: nothing is written
     * @return what was queued, or in a dry run what would be
     */
    public List<Announcement> apply(RuleConfig rule, List<Finding> findings, Instant now,
                                    Announcer<AlertEvent> announcer, String currency, ZoneId zone, boolean dryRun) {
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(announcer, "announcer");
        return inTransaction("apply the findings of rule " + rule.name(), c -> {
            List<Announcement> announced = alerts.apply(c, rule, findings, now, announcer, currency, zone, dryRun);
            if (!dryRun) {
                Evaluations.record(c, rule.name(), now);
            }
            return announced;
        });
    }

    /**
     * When {@code run} first started on this database: recorded as {@code now} by the first start (a database in use
     * before budgetbot kept this counts as installed at the epoch). Digests of periods that ended before it are not
     * caught up.
     */
    public Instant firstStart(Instant now) {
        Objects.requireNonNull(now, "now");
        return inTransaction("record the first start", c -> Installation.firstStart(c, now));
    }

    /**
     * As of which moment each of {@code rules} was last evaluated (its findings applied, not in a dry run);
     * rules never evaluated are missing.
     */
    public Map<String, Instant> lastEvaluated(Collection<String> rules) {
        Objects.requireNonNull(rules, "rules");
        return autoCommit("read the latest evaluations", c -> Evaluations.latest(c, rules));
    }

    /**
     * Announces each problem of a rule's scope (a key or model UCloud cannot serve) once, to the rule's channels,
     * in one transaction with the record of it; a problem that is gone is forgotten, so it is announced again
     * should it come back.
     *
     * @param problems every problem of the rule's scope now (an empty list clears them all)
     * @return what was queued
     */
    public List<Notice> reviewScope(RuleConfig rule, List<Coverage.Problem> problems, Instant now, ZoneId zone,
                                   Announcer<Notice> announcer) {
        return inTransaction("review the scope of rule " + rule.name(),
                c -> blindSpots.misconfigured(c, rule, problems, now, zone, announcer));
    }

    /** What {@link #reviewScope} would announce now, for a dry run: nothing is written. */
    public List<Notice> previewScope(RuleConfig rule, List<Coverage.Problem> problems, Instant now, ZoneId zone) {
        return autoCommit("read the blind spots of rule " + rule.name(),
                c -> blindSpots.wouldAnnounce(c, rule, problems, now, zone));
    }

    /**
     * Records that the rule's usage could not be fetched at {@code now}. The first failure starts an outage; once it
     * has lasted the rule's {@code staleAfter}, it is announced once to the rule's channels.
     *
     * @param error why, as the source said it
     * @return the announcement, when this call made it
     */
    public Optional<Notice> usageUnavailable(RuleConfig rule, String error, Instant now, ZoneId zone,
                                             Announcer<Notice> announcer) {
        return inTransaction("record that usage of rule " + rule.name() + " is unavailable",
                c -> blindSpots.unavailable(c, rule, error, now, zone, announcer));
    }

    /** Records that the rule's usage was fetched; ends an outage, announcing the recovery if the outage was. */
    public Optional<Notice> usageAvailable(RuleConfig rule, Instant now, ZoneId zone, Announcer<Notice> announcer) {
        return inTransaction("record that usage of rule " + rule.name() + " is available",
                c -> blindSpots.available(c, rule, now, zone, announcer));
    }

    /** The last announced state of one alert on one channel. */
    public Optional<AlertRecord> alertRecord(String rule, String condition, String group, String channel) {
        return inTransaction("read alert state", c -> alerts.find(c, rule, condition, group, channel));
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

    /**
     * Silences one group of a rule until {@code until} for {@code act}, and logs who did it; once per act.
     *
     * @return the silence, or empty when this act was acted on already (nothing changed)
     * @throws IllegalArgumentException when it would end by {@code now} or has no reason
     */
    public Optional<Silence> snooze(Act act, String rule, String group, Instant until, String reason, Instant now) {
        return inTransaction("snooze rule " + rule, c -> {
            Optional<Long> logged = AlertActions.log(c, act, AlertActions.SNOOZE, rule, group, now);
            if (logged.isEmpty()) {
                return Optional.<Silence>empty();
            }
            Silence silence = Silences.add(c, rule, Optional.of(group), until, reason, now);
            AlertActions.snoozed(c, logged.get(), silence.id());
            return Optional.of(silence);
        });
    }

    /**
     * Acknowledges {@code conditions} of one group of a rule for {@code act}, and logs who did it; once per act.
     *
     * @return false when this act was acted on already (nothing changed)
     */
    public boolean acknowledge(Act act, String rule, String group, List<Acknowledgement.Condition> conditions,
                               Instant now) {
        return inTransaction("acknowledge rule " + rule, c -> {
            Optional<Long> logged = AlertActions.log(c, act, AlertActions.ACKNOWLEDGE, rule, group, now);
            if (logged.isPresent()) {
                AlertActions.acknowledge(c, logged.get(), rule, group, conditions);
            }
            return logged.isPresent();
        });
    }

    /**
     * Logs {@code act} as {@code what} on one group of a rule, for an act whose effect is kept elsewhere (approving a
     * budget action: its audit); once per act.
     *
     * @return false when this act was logged already (a retry, or another instance received it)
     */
    public boolean logAct(Act act, String what, String rule, String group, Instant now) {
        return inTransaction("log " + what + " of rule " + rule, c -> AlertActions.log(c, act, what, rule, group, now)
                .isPresent());
    }

    /** Every acknowledgement kept (see {@code state.retention}), oldest first. */
    public List<Acknowledgement> acknowledgements() {
        return autoCommit("read the acknowledgements", c -> AlertActions.acknowledgements(c, Optional.empty()));
    }

    /** The silences holding at {@code at}, soonest ending first. */
    public List<Silence> silences(Instant at) {
        Objects.requireNonNull(at, "at");
        return inTransaction("read the silences", c -> Silences.active(c, Optional.empty(), at));
    }

    /**
     * Forgets the alert log's entries made before {@code before} (announcements, and what people did with their
     * acknowledgements) and the silences that ended by then. The alert
     * state, which decides what is news, is kept whatever its age.
     *
     * @return how many log entries were forgotten
     */
    public int purgeBefore(Instant before) {
        Objects.requireNonNull(before, "before");
        return inTransaction("purge the alert log", c -> {
            Sql.update(c, "DELETE FROM silence WHERE ends_at < ?", ps -> ps.setObject(1, Sql.timestamp(before)));
            AlertActions.purge(c, before);
            return Sql.update(c, "DELETE FROM alert_events WHERE announced_at < ?",
                    ps -> ps.setObject(1, Sql.timestamp(before)));
        });
    }

    /** The groups the rule has had an alert state or a logged announcement for. */
    public Set<String> groupsSeen(String rule) {
        return autoCommit("read the groups of rule " + rule, c -> new TreeSet<>(Sql.query(c,
                "SELECT grp FROM alert_state WHERE rule = ? UNION SELECT grp FROM alert_events WHERE rule = ?", ps -> {
                    ps.setString(1, rule);
                    ps.setString(2, rule);
                }, rs -> rs.getString(1))));
    }

    /** Ends a silence now; false when there is none with this id. */
    public boolean removeSilence(long id) {
        return inTransaction("remove silence " + id, c -> Silences.remove(c, id));
    }

    @Override
    public void close() {
        dataSource.close();
        if (scratch) {
            // DB_CLOSE_DELAY=-1 kept it while the pool recycled connections; now it goes
            try (Connection c = DriverManager.getConnection(dataSource.getJdbcUrl()); Statement s = c.createStatement()) {
                s.execute("SHUTDOWN");
            } catch (SQLException e) {
                throw new StateException("cannot drop the scratch state: " + e.getMessage(), e);
            }
        }
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
                rollback(c, e);
                throw e;
            }
        } catch (SQLException e) {
            throw new StateException("cannot " + what + ": " + describe(e), e);
        }
    }

    /** Runs {@code work} on an auto-commit connection: each statement commits by itself. */
    public <T> T autoCommit(String what, Sql.Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw new StateException("cannot " + what + ": " + describe(e), e);
        }
    }

    /** Rolls back, keeping {@code cause} the error: a connection that broke cannot roll back either. */
    private static void rollback(Connection c, Exception cause) {
        try {
            c.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    /**
     * The pool's timeout names only the pool ("Connection is not available"); why no connection could be made
     * (refused, unknown host, wrong password) is the driver's exception underneath.
     */
    private static String describe(SQLException e) {
        if (e instanceof SQLTransientConnectionException && e.getCause() != null) {
            return "the state database is unreachable: " + e.getCause().getMessage();
        }
        // SQLSTATE class 08: the connection broke (the server went away while it was in use)
        return e.getSQLState() != null && e.getSQLState().startsWith("08")
                ? "the state database is unreachable: " + e.getMessage() : e.getMessage();
    }
}

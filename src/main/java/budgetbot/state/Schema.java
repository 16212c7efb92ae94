package budgetbot.state;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/** Creates and migrates the program's tables and, when clustered, Quartz's. */
final class Schema {
    private static final Logger log = LoggerFactory.getLogger(Schema.class);

    /** Applied in this order; a new script is added to the end, never edited once released. */
    private static final List<String> MIGRATIONS = List.of("V1__init.sql");
    private static final String MIGRATION_DIR = "/db/migration/";
    private static final String VERSION_TABLE = "budgetbot_schema_version";
    /** An arbitrary constant that names budgetbot's schema lock among PostgreSQL advisory locks. */
    private static final long ADVISORY_LOCK_KEY = 0x6275646765746274L;
    private static final String H2_LOCK_TABLE = "budgetbot_schema_lock";

    private Schema() {
    }

    static void migrate(DataSource dataSource, boolean postgres) {
        changeOnce(dataSource, postgres, "migrate the state schema", Schema::migrated, c -> {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS " + VERSION_TABLE + " (version INTEGER PRIMARY KEY, "
                        + "script VARCHAR(200) NOT NULL, applied_at TIMESTAMP WITH TIME ZONE NOT NULL)");
            }
            Set<Integer> applied = appliedVersions(c);
            for (String script : MIGRATIONS) {
                if (applied.contains(version(script))) {
                    continue;
                }
                execute(c, resource(MIGRATION_DIR + script));
                Sql.update(c, "INSERT INTO " + VERSION_TABLE + " (version, script, applied_at) VALUES (?, ?, ?)", ps -> {
                    ps.setInt(1, version(script));
                    ps.setString(2, script);
                    ps.setObject(3, Sql.timestamp(Instant.now()));
                });
                log.info("Applied state schema migration {}", script);
            }
        });
    }

    static void ensureQuartz(DataSource dataSource, boolean postgres) {
        String script = "/org/quartz/impl/jdbcjobstore/" + (postgres ? "tables_postgres.sql" : "tables_h2.sql");
        changeOnce(dataSource, postgres, "create the Quartz tables", c -> tableExists(c, "QRTZ_LOCKS"), c -> {
            execute(c, resource(script));
            log.info("Created the Quartz tables from {}", script);
        });
    }

    /**
     * Runs {@code change} unless {@code done} already holds, serialised against other processes starting at
     * the same moment. PostgreSQL has transactional DDL, so an advisory lock in the same transaction does.
     * H2 commits every DDL statement, which would release any lock taken in that transaction, so there a
     * second connection holds a row lock until the change is complete.
     */
    private static void changeOnce(DataSource dataSource, boolean postgres, String what,
                                   Sql.Work<Boolean> done, ChangeWork change) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            if (postgres) {
                Sql.query(c, "SELECT pg_advisory_xact_lock(?)", ps -> ps.setLong(1, ADVISORY_LOCK_KEY), rs -> 0);
                changeIfNotDone(c, done, change);
                return;
            }
            try (Connection lock = dataSource.getConnection()) {
                lockH2(lock);
                try {
                    changeIfNotDone(c, done, change);
                } finally {
                    lock.rollback();
                }
            }
        } catch (SQLException e) {
            throw new StateException("cannot " + what + ": " + e.getMessage(), e);
        }
    }

    private static void changeIfNotDone(Connection c, Sql.Work<Boolean> done, ChangeWork change) throws SQLException {
        try {
            if (!done.run(c)) {
                change.run(c);
            }
            c.commit();
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        }
    }

    /** Leaves {@code lock} in an open transaction holding the one row of the H2 lock table. */
    private static void lockH2(Connection lock) throws SQLException {
        try (Statement s = lock.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + H2_LOCK_TABLE + " (id INTEGER PRIMARY KEY)");
            try {
                s.execute("INSERT INTO " + H2_LOCK_TABLE + " (id) SELECT 1 WHERE NOT EXISTS (SELECT 1 FROM "
                        + H2_LOCK_TABLE + ")");
            } catch (SQLException e) {
                if (!Sql.isUniqueViolation(e)) {
                    throw e;
                }
            }
            lock.setAutoCommit(false);
            s.executeQuery("SELECT id FROM " + H2_LOCK_TABLE + " WHERE id = 1 FOR UPDATE").close();
        }
    }

    @FunctionalInterface
    private interface ChangeWork {
        void run(Connection c) throws SQLException;
    }

    private static boolean migrated(Connection c) throws SQLException {
        if (!tableExists(c, VERSION_TABLE)) {
            return false;
        }
        Set<Integer> applied = appliedVersions(c);
        return MIGRATIONS.stream().map(Schema::version).allMatch(applied::contains);
    }

    private static Set<Integer> appliedVersions(Connection c) throws SQLException {
        return new HashSet<>(Sql.query(c, "SELECT version FROM " + VERSION_TABLE, ps -> { }, rs -> rs.getInt(1)));
    }

    private static int version(String script) {
        return Integer.parseInt(script.substring(1, script.indexOf("__")));
    }

    /** H2 folds unquoted names to upper case, PostgreSQL to lower case. */
    private static boolean tableExists(Connection c, String name) throws SQLException {
        DatabaseMetaData md = c.getMetaData();
        for (String candidate : List.of(name.toUpperCase(Locale.ROOT), name.toLowerCase(Locale.ROOT))) {
            try (ResultSet rs = md.getTables(c.getCatalog(), c.getSchema(), candidate, null)) {
                if (rs.next()) {
                    return true;
                }
            }
        }
        return false;
    }

    private static void execute(Connection c, String script) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String statement : statements(script)) {
                s.execute(statement);
            }
        }
    }

    /**
     * Splits a script into statements, leaving out comments and the DROP and COMMIT statements of Quartz's
     * scripts: we only run them on a database without the tables, inside our own transaction.
     */
    private static List<String> statements(String script) {
        String withoutComments = script.lines()
                .filter(line -> !line.strip().startsWith("--"))
                .collect(Collectors.joining("\n"));
        return Arrays.stream(withoutComments.split(";"))
                .map(String::strip)
                .filter(s -> !s.isEmpty())
                .filter(s -> !s.toUpperCase(Locale.ROOT).startsWith("DROP ") && !s.equalsIgnoreCase("COMMIT"))
                .toList();
    }

    private static String resource(String path) {
        try (InputStream in = Schema.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing resource on the class path: " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
    }
}

package budgetbot.state;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;
import org.flywaydb.core.api.configuration.FluentConfiguration;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Brings a database's schema up to date with Flyway: budgetbot's own tables from {@code db/migration}, and for a
 * cluster Quartz's JobStore tables from {@code db/quartz}, each with its own history table. Flyway serialises
 * instances that start at the same moment (an advisory lock on PostgreSQL, a table lock on H2).
 */
final class Migrations {
    /** Where releases before Flyway kept their schema version; such a database is baselined at that version. */
    private static final String LEGACY_VERSION_TABLE = "budgetbot_schema_version";
    private static final String QUARTZ_MARKER_TABLE = "qrtz_locks";
    private static final String HISTORY_TABLE = "flyway_schema_history";
    /** The last of {@code db/migration}'s versions; {@code MigrationsTest} holds it to the files. */
    static final int LATEST = 11;
    /**
     * Versions merged after a later one (written in parallel): a schema migrated to {@link #LATEST} before they
     * existed lacks them, so it is not up to date, and Flyway applies them out of order.
     */
    private static final List<String> LANDED_LATE = List.of("9", "10");

    private Migrations() {
    }

    static void migrate(DataSource dataSource) {
        // Flyway's scan of the jar and validation take most of a one-shot check's second on the database; a schema
        // whose history ends at this code's last migration, every step a success, has nothing to do
        if (upToDate(dataSource)) {
            return;
        }
        run("migrate the state schema", configure(dataSource, "db/migration", HISTORY_TABLE),
                dataSource, Migrations::legacyVersion);
    }

    /**
     * Where a schema stands against this code's migrations.
     *
     * @param absent  no budgetbot tables at all: the database was never opened by budgetbot
     * @param version the latest migration applied, if any
     * @param needed  the latest migration this code has
     */
    record Schema(boolean absent, Optional<String> version, String needed, boolean behind) {
    }

    /** Looks at budgetbot's schema without changing anything: no history table is created, nothing migrated. */
    static Schema inspect(DataSource dataSource) {
        try {
            MigrationInfoService info = configure(dataSource, "db/migration", HISTORY_TABLE).load().info();
            boolean legacy;
            try (Connection c = dataSource.getConnection()) {
                legacy = tableExists(c, LEGACY_VERSION_TABLE);
            }
            MigrationInfo[] all = info.all();
            String needed = all.length == 0 ? "none" : all[all.length - 1].getVersion().getVersion();
            Optional<String> version = Optional.ofNullable(info.current()).map(m -> m.getVersion().getVersion());
            return new Schema(info.applied().length == 0 && !legacy, version, needed, info.pending().length > 0);
        } catch (FlywayException | SQLException e) {
            throw new StateException("cannot read the state schema's version: " + e.getMessage(), e);
        }
    }

    /**
     * Quartz's tables. The database already holds budgetbot's tables, so Flyway is told that a schema without
     * this history starts at version 0, or at 1 when an older release created the Quartz tables by itself.
     */
    static void migrateQuartz(DataSource dataSource) {
        run("create the Quartz tables", configure(dataSource, "db/quartz", "budgetbot_quartz_history"),
                dataSource, c -> Optional.of(tableExists(c, QUARTZ_MARKER_TABLE) ? "1" : "0"));
    }

    private static FluentConfiguration configure(DataSource dataSource, String location, String historyTable) {
        return Flyway.configure(Migrations.class.getClassLoader())
                .dataSource(dataSource)
                .locations("classpath:" + location)
                .table(historyTable)
                .outOfOrder(true)
                .baselineDescription("schema created before Flyway");
    }

    private static void run(String what, FluentConfiguration flyway, DataSource dataSource, Baseline baseline) {
        try {
            Optional<String> version;
            try (Connection c = dataSource.getConnection()) {
                version = baseline.version(c);
            }
            version.ifPresent(v -> flyway.baselineOnMigrate(true).baselineVersion(v));
            flyway.load().migrate();
        } catch (FlywayException | SQLException e) {
            throw new StateException("cannot " + what + ": " + e.getMessage(), e);
        }
    }

    private static boolean upToDate(DataSource dataSource) {
        try (Connection c = dataSource.getConnection()) {
            if (!tableExists(c, HISTORY_TABLE)) {
                return false;
            }
            List<Boolean> failed = Sql.query(c, "SELECT \"success\" FROM \"" + HISTORY_TABLE + "\" WHERE NOT \"success\"",
                    ps -> { }, rs -> true);
            List<String> versions = Sql.query(c, "SELECT \"version\" FROM \"" + HISTORY_TABLE + "\" WHERE \"version\" "
                    + "IS NOT NULL", ps -> { }, rs -> rs.getString(1));
            return failed.isEmpty() && versions.stream().allMatch(v -> v.matches("\\d+"))
                    && versions.stream().mapToInt(Integer::parseInt).max().orElse(-1) == LATEST
                    && versions.containsAll(LANDED_LATE);
        } catch (SQLException e) {
            // whatever is odd about it, Flyway says it better
            return false;
        }
    }

    @FunctionalInterface
    private interface Baseline {
        /** The version to record for a schema that has tables but no Flyway history; empty for none. */
        Optional<String> version(Connection c) throws SQLException;
    }

    private static Optional<String> legacyVersion(Connection c) throws SQLException {
        if (!tableExists(c, LEGACY_VERSION_TABLE)) {
            return Optional.empty();
        }
        List<Integer> max = Sql.query(c, "SELECT MAX(version) FROM " + LEGACY_VERSION_TABLE, ps -> { },
                rs -> rs.getInt(1));
        return Optional.of(Integer.toString(max.get(0)));
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
}

package budgetbot.state;

import budgetbot.testing.TestDb;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class MigrationsTest {
    @TempDir
    Path tmp;

    @Test
    void latestIsTheLastMigrationOnTheClasspath() throws Exception {
        try (Stream<Path> files = Files.list(migrations())) {
            int last = files.map(p -> p.getFileName().toString()).filter(n -> n.matches("V\\d+__.*\\.sql"))
                    .mapToInt(n -> Integer.parseInt(n.substring(1, n.indexOf("__")))).max().orElseThrow();
            assertThat(Migrations.LATEST).as("Migrations.LATEST: set it to the new migration's version").isEqualTo(last);
        }
    }

    /**
     * A schema at this code's last version opens without Flyway: a history Flyway would refuse to validate (an
     * applied migration's checksum changed) is not even read. One a migration behind goes through Flyway, which
     * applies the missing one.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDb.Kind.class)
    void anUpToDateSchemaIsNotHandedToFlywayAndOneBehindIs(TestDb.Kind kind) throws Exception {
        try (TestDb db = TestDb.create(kind, tmp)) {
            StateStore.open(db.config()).close();
            try (StateStore store = StateStore.open(db.config()); Connection c = store.dataSource().getConnection();
                 Statement s = c.createStatement()) {
                s.executeUpdate("UPDATE \"flyway_schema_history\" SET \"checksum\" = 42 WHERE \"version\" = '1'");
            }
            try (StateStore store = StateStore.open(db.config()); Connection c = store.dataSource().getConnection();
                 Statement s = c.createStatement()) {
                s.execute("DROP TABLE installation");
                s.executeUpdate("DELETE FROM \"flyway_schema_history\" WHERE \"version\" = '" + Migrations.LATEST + "'");
                s.executeUpdate("UPDATE \"flyway_schema_history\" SET \"checksum\" = NULL WHERE \"version\" = '1'");
            }

            try (StateStore store = StateStore.open(db.config()); Connection c = store.dataSource().getConnection();
                 Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM \"flyway_schema_history\" WHERE \"version\" = '"
                         + Migrations.LATEST + "' AND \"success\"")) {
                rs.next();
                assertThat(rs.getInt(1)).as("the missing migration applied again").isEqualTo(1);
            }
        }
    }

    /** V9 was merged after V11: a database migrated to V11 before then gets it the next time it is opened. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDb.Kind.class)
    void aMigrationThatLandedLateIsAppliedToASchemaAlreadyAtTheLatest(TestDb.Kind kind) throws Exception {
        try (TestDb db = TestDb.create(kind, tmp)) {
            try (StateStore store = StateStore.open(db.config()); Connection c = store.dataSource().getConnection();
                 Statement s = c.createStatement()) {
                s.execute("DROP TABLE guard_audit");
                s.execute("DROP TABLE guard_action");
                for (String column : List.of("daily_limit", "daily_used", "monthly_limit", "monthly_used",
                        "modelverse_disabled")) {
                    s.execute("ALTER TABLE key_listing_keys DROP COLUMN " + column);
                }
                s.executeUpdate("DELETE FROM \"flyway_schema_history\" WHERE \"version\" = '9'");
            }

            try (StateStore store = StateStore.open(db.config()); Connection c = store.dataSource().getConnection();
                 Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM guard_action")) {
                rs.next();
                assertThat(rs.getInt(1)).isZero();
            }
        }
    }

    private static Path migrations() throws URISyntaxException {
        return Path.of(Objects.requireNonNull(MigrationsTest.class.getClassLoader().getResource("db/migration")).toURI());
    }
}

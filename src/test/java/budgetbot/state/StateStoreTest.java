package budgetbot.state;

import budgetbot.config.Secret;
import budgetbot.config.StateConfig;
import budgetbot.delivery.Lessee;
import budgetbot.delivery.Outbox;
import budgetbot.delivery.OutboxEntry;
import budgetbot.testing.TestDb;
import org.flywaydb.core.Flyway;
import org.h2.api.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StateStoreTest {
    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDb.Kind.class)
    void openingTwiceAppliesEachMigrationOnce(TestDb.Kind kind) throws Exception {
        try (TestDb db = TestDb.create(kind, tmp)) {
            StateStore.open(db.config()).close();
            try (StateStore store = StateStore.open(db.config())) {
                assertThat(store.isPostgres()).isEqualTo(kind == TestDb.Kind.POSTGRES);
                assertThat(versions(store)).containsExactlyElementsOf(MIGRATIONS);
                assertThat(new Outbox(store).pending()).isEmpty();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDb.Kind.class)
    void concurrentFirstOpensMigrateOnce(TestDb.Kind kind) throws Exception {
        try (TestDb db = TestDb.create(kind, tmp)) {
            ExecutorService pool = Executors.newFixedThreadPool(3);
            try {
                List<Future<StateStore>> opens = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    opens.add(pool.submit((Callable<StateStore>) () -> StateStore.open(db.config())));
                }
                for (Future<StateStore> open : opens) {
                    open.get().close();
                }
            } finally {
                pool.shutdownNow();
            }
            try (StateStore store = StateStore.open(db.config())) {
                assertThat(versions(store)).containsExactlyElementsOf(MIGRATIONS);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDb.Kind.class)
    void quartzSchemaIsCreatedOnceAndUsable(TestDb.Kind kind) throws Exception {
        try (TestDb db = TestDb.create(kind, tmp); StateStore store = StateStore.open(db.config())) {
            store.ensureQuartzSchema();
            try (Connection c = store.dataSource().getConnection(); Statement s = c.createStatement()) {
                s.executeUpdate("INSERT INTO QRTZ_LOCKS (SCHED_NAME, LOCK_NAME) VALUES ('budgetbot', 'TRIGGER_ACCESS')");
            }
            store.ensureQuartzSchema();
            try (Connection c = store.dataSource().getConnection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM QRTZ_LOCKS")) {
                rs.next();
                assertThat(rs.getInt(1)).as("an existing Quartz schema is left alone").isEqualTo(1);
            }
        }
    }

    @Test
    void h2FileUrlGetsItsDirectoryAndAutoServer() {
        Path file = tmp.resolve("a/b/state");
        String url = StateStore.jdbcUrl("jdbc:h2:file:" + file);
        assertThat(url).isEqualTo("jdbc:h2:file:" + file + ";AUTO_SERVER=TRUE");
        assertThat(Files.isDirectory(tmp.resolve("a/b"))).isTrue();
    }

    @Test
    void h2UrlWithoutFilePrefixIsAFileToo() {
        Path file = tmp.resolve("c/state");
        assertThat(StateStore.jdbcUrl("jdbc:h2:" + file + ";MODE=Regular"))
                .isEqualTo("jdbc:h2:" + file + ";MODE=Regular;AUTO_SERVER=TRUE");
        assertThat(Files.isDirectory(tmp.resolve("c"))).isTrue();
    }

    @Test
    void explicitAutoServerSettingIsKept() {
        String url = "jdbc:h2:file:" + tmp.resolve("state") + ";auto_server=false";
        assertThat(StateStore.jdbcUrl(url)).isEqualTo(url);
    }

    @Test
    void nonFileUrlsAreUnchanged() {
        for (String url : List.of("jdbc:h2:mem:x;DB_CLOSE_DELAY=-1", "jdbc:h2:tcp://localhost/~/x",
                "jdbc:postgresql://db/budgetbot?user=bot")) {
            assertThat(StateStore.jdbcUrl(url)).isEqualTo(url);
        }
    }

    @Test
    void twoStoresShareOneH2FileLikeRunAndCheck() {
        StateConfig cfg = new StateConfig("jdbc:h2:file:" + tmp.resolve("shared/state"), "", new Secret(""), false, Duration.ofDays(90));
        try (StateStore run = StateStore.open(cfg); StateStore check = StateStore.open(cfg)) {
            assertThat(new Outbox(run).enqueue("k", "ops", Fixtures.message("hello"), Fixtures.DAY1)).isTrue();
            assertThat(new Outbox(check).pending()).extracting(OutboxEntry::dedupKey).containsExactly("k");
        }
    }

    @Test
    void unsupportedUrlIsRejected() {
        StateConfig cfg = new StateConfig("jdbc:mysql://db/x?password=hunter2", "", new Secret(""), false, Duration.ofDays(90));
        assertThatThrownBy(() -> StateStore.open(cfg))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("jdbc:mysql://db/x")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void unreachableDatabaseNamesItWithoutTheSecret() {
        StateConfig cfg = new StateConfig("jdbc:postgresql://127.0.0.1:1/none?connectTimeout=1", "bot",
                new Secret("hunter2"), false, Duration.ofDays(90));
        assertThatThrownBy(() -> StateStore.open(cfg))
                .isInstanceOf(StateException.class)
                .hasMessageContaining("jdbc:postgresql://127.0.0.1:1/none")
                .hasMessageNotContaining("hunter2");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDb.Kind.class)
    void aReadOnlyOpenOfADatabaseThatDoesNotExistCreatesNothingAndReadsEmptyState(TestDb.Kind kind) throws Exception {
        try (TestDb db = TestDb.create(kind, tmp)) {
            try (StateStore store = StateStore.openReadOnly(db.config())) {
                assertThat(new Outbox(store).pending()).isEmpty();
                assertThat(store.alertRecord("team", "budget[0]:tokens/day", "all", "ops")).isEmpty();
                assertThat(store.lastEvaluated(List.of("team"))).isEmpty();
            }

            assertThat(tmp.resolve("state")).as("no H2 file, not even its directory").doesNotExist();
            assertThat(tables(db)).as("no table in the database").isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDb.Kind.class)
    void aReadOnlyOpenReadsTheStateAsItIsAndRefusesToWrite(TestDb.Kind kind) throws Exception {
        try (TestDb db = TestDb.create(kind, tmp)) {
            try (StateStore store = StateStore.open(db.config())) {
                new Outbox(store).enqueue("k", "ops", Fixtures.message("hello"), Fixtures.DAY1);
            }
            List<String> before = contents(db);

            try (StateStore store = StateStore.openReadOnly(db.config())) {
                Outbox outbox = new Outbox(store);
                assertThat(outbox.pending()).extracting(OutboxEntry::dedupKey).containsExactly("k");
                assertThatThrownBy(() -> outbox.enqueue("k2", "ops", Fixtures.message("no"), Fixtures.DAY1))
                        .isInstanceOf(StateException.class).hasMessageContaining("read");
                assertThatThrownBy(() -> outbox.markSent(1, Fixtures.DAY1, Lessee.command()))
                        .isInstanceOf(StateException.class).hasMessageContaining("read");
            }

            assertThat(contents(db)).as("every row and file as it was").isEqualTo(before);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDb.Kind.class)
    void aReadOnlyOpenOfAnOlderSchemaRefusesAndMigratesNothing(TestDb.Kind kind) throws Exception {
        try (TestDb db = TestDb.create(kind, tmp)) {
            Flyway.configure().dataSource(StateStore.jdbcUrl(db.config().url()), null, null)
                    .locations("classpath:db/migration").target("1").load().migrate();

            assertThatThrownBy(() -> StateStore.openReadOnly(db.config()))
                    .isInstanceOf(StateException.class)
                    .hasMessageContaining("has schema version 1 and this budgetbot needs " + Migrations.LATEST)
                    .hasMessageContaining("a dry run does not migrate it");

            try (StateStore store = StateStore.open(db.config())) {
                assertThat(versions(store)).as("the refused open left version 1 alone").containsExactlyElementsOf(MIGRATIONS);
            }
        }
    }

    @Test
    void aReadOnlyOpenOfAnH2FileInUseInThisProcessReadsIt() {
        StateConfig cfg = new StateConfig("jdbc:h2:file:" + tmp.resolve("shared/state"), "", new Secret(""), false,
                Duration.ofDays(90));
        try (StateStore run = StateStore.open(cfg)) {
            new Outbox(run).enqueue("k", "ops", Fixtures.message("hello"), Fixtures.DAY1);
            try (StateStore dryRun = StateStore.openReadOnly(cfg)) {
                assertThat(new Outbox(dryRun).pending()).extracting(OutboxEntry::dedupKey).containsExactly("k");
            }
            assertThat(new Outbox(run).pending()).as("the running store is unharmed").hasSize(1);
        }
    }

    /** The tables of the test's database, as a fresh connection sees them. */
    private static List<String> tables(TestDb db) throws SQLException {
        List<String> tables = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(db.config().url() + (db.config().url().startsWith("jdbc:h2:")
                ? ";IFEXISTS=TRUE" : "")); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT table_name FROM information_schema.tables "
                     + "WHERE table_schema = CURRENT_SCHEMA")) {
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
        } catch (SQLException e) {
            if (e.getErrorCode() == ErrorCode.DATABASE_NOT_FOUND_WITH_IF_EXISTS_1) {
                return tables;
            }
            throw e;
        }
        return tables;
    }

    /** For H2 every file of the database with its bytes, for PostgreSQL every row of budgetbot's tables. */
    private List<String> contents(TestDb db) throws Exception {
        List<String> all = new ArrayList<>();
        if (db.config().url().startsWith("jdbc:h2:")) {
            try (var files = Files.list(tmp.resolve("state"))) {
                for (Path f : files.sorted().toList()) {
                    all.add(f.getFileName() + " " + Arrays.hashCode(Files.readAllBytes(f)));
                }
            }
            return all;
        }
        try (Connection c = DriverManager.getConnection(db.config().url()); Statement s = c.createStatement()) {
            for (String table : List.of("\"flyway_schema_history\"", "outbox", "alert_state", "alert_events",
                    "rule_evaluations")) {
                try (ResultSet rs = s.executeQuery("SELECT * FROM " + table)) {
                    while (rs.next()) {
                        StringBuilder row = new StringBuilder(table);
                        for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                            row.append('|').append(rs.getString(i));
                        }
                        all.add(row.toString());
                    }
                }
            }
        }
        return all;
    }

    /** The versions in Flyway's history, in the order they were applied. */
    /** Every version of db/migration, in order: what a fresh database has after its first open. */
    static final List<String> MIGRATIONS = migrations();

    private static List<String> migrations() {
        try (Stream<Path> files = Files.list(Path.of(Objects.requireNonNull(
                StateStoreTest.class.getClassLoader().getResource("db/migration")).toURI()))) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.matches("V\\d+__.*\\.sql"))
                    .map(n -> n.substring(1, n.indexOf("__"))).sorted(Comparator.comparingInt(Integer::parseInt))
                    .toList();
        } catch (IOException | URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<String> versions(StateStore store) throws SQLException {
        List<String> versions = new ArrayList<>();
        try (Connection c = store.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT \"version\" FROM \"flyway_schema_history\" "
                     + "WHERE \"success\" AND \"version\" IS NOT NULL ORDER BY \"installed_rank\"")) {
            while (rs.next()) {
                versions.add(rs.getString(1));
            }
        }
        return versions;
    }
}

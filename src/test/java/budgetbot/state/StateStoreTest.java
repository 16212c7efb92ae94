package budgetbot.state;

import budgetbot.config.Secret;
import budgetbot.config.StateConfig;
import budgetbot.delivery.Outbox;
import budgetbot.delivery.OutboxEntry;
import budgetbot.testing.TestDb;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

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
                assertThat(versions(store)).containsExactly("1", "2", "5");
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
                assertThat(versions(store)).containsExactly("1", "2", "5");
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

    /** The versions in Flyway's history, in the order they were applied. */
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

package budgetbot.state;

import budgetbot.testing.TestDb;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** When run first started on a database: what digest catch-up measures a new installation by. */
class InstallationTest {
    static final Instant FIRST = Instant.parse("2026-04-02T03:30:00Z");

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDb.Kind.class)
    void theFirstStartIsRecordedOnceAndKept(TestDb.Kind kind) throws Exception {
        try (TestDb db = TestDb.create(kind, tmp)) {
            try (StateStore store = StateStore.open(db.config())) {
                assertThat(store.firstStart(FIRST)).isEqualTo(FIRST);
                assertThat(store.firstStart(FIRST.plusSeconds(3600))).isEqualTo(FIRST);
            }
            try (StateStore reopened = StateStore.open(db.config())) {
                assertThat(reopened.firstStart(FIRST.plusSeconds(86_400))).isEqualTo(FIRST);
            }
        }
    }

    /** An upgrade must not take a database that was in use for a new installation: it would skip a missed digest. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDb.Kind.class)
    void aDatabaseInUseBeforeTheMigrationCountsAsInstalledAtTheEpoch(TestDb.Kind kind) throws Exception {
        try (TestDb db = TestDb.create(kind, tmp)) {
            try (StateStore store = StateStore.open(db.config())) {
                undoMigration(store);
                store.inTransaction("evaluate", c -> {
                    Evaluations.record(c, "spend", FIRST);
                    return null;
                });
            }

            try (StateStore upgraded = StateStore.open(db.config())) {
                assertThat(upgraded.firstStart(FIRST.plusSeconds(86_400))).isEqualTo(Instant.EPOCH);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDb.Kind.class)
    void aDatabaseNeverUsedBeforeTheMigrationIsInstalledAtItsFirstStart(TestDb.Kind kind) throws Exception {
        try (TestDb db = TestDb.create(kind, tmp)) {
            try (StateStore store = StateStore.open(db.config())) {
                undoMigration(store);
            }

            try (StateStore upgraded = StateStore.open(db.config())) {
                assertThat(upgraded.firstStart(FIRST)).isEqualTo(FIRST);
            }
        }
    }

    /** The schema as it was before V11, which the next open applies again. */
    private static void undoMigration(StateStore store) throws Exception {
        try (Connection c = store.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP TABLE installation");
            s.executeUpdate("DELETE FROM \"flyway_schema_history\" WHERE \"version\" = '11'");
        }
    }
}

package budgetbot.state;

import budgetbot.config.Secret;
import budgetbot.config.StateConfig;
import org.junit.jupiter.api.Assumptions;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * A fresh, empty database for one test: an H2 file in a temporary directory, or a new schema in the
 * PostgreSQL named by {@code BUDGETBOT_TEST_PG_URL} (skipped when unset, failed when also {@code CI=true}).
 */
final class TestDb implements AutoCloseable {
    enum Kind { H2, POSTGRES }

    private final StateConfig config;
    private final String pgBaseUrl;
    private final String pgSchema;

    private TestDb(StateConfig config, String pgBaseUrl, String pgSchema) {
        this.config = config;
        this.pgBaseUrl = pgBaseUrl;
        this.pgSchema = pgSchema;
    }

    static TestDb create(Kind kind, Path dir) throws SQLException {
        if (kind == Kind.H2) {
            String url = "jdbc:h2:file:" + dir.resolve("state/budgetbot").toAbsolutePath();
            return new TestDb(new StateConfig(url, "", new Secret(""), false), null, null);
        }
        String base = System.getenv("BUDGETBOT_TEST_PG_URL");
        if (base == null || base.isBlank()) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail("CI=true but BUDGETBOT_TEST_PG_URL is not set: start one with bash .ci/start-postgres.sh");
            }
            Assumptions.abort("BUDGETBOT_TEST_PG_URL is not set");
        }
        String schema = "t_" + UUID.randomUUID().toString().replace("-", "").toLowerCase(Locale.ROOT);
        execute(base, "CREATE SCHEMA " + schema);
        String url = base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema;
        return new TestDb(new StateConfig(url, "", new Secret(""), false), base, schema);
    }

    StateConfig config() {
        return config;
    }

    @Override
    public void close() throws SQLException {
        if (pgSchema != null) {
            execute(pgBaseUrl, "DROP SCHEMA " + pgSchema + " CASCADE");
        }
    }

    private static void execute(String url, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}

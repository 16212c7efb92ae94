package budgetbot.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

/**
 * A new, empty schema in the PostgreSQL named by {@code BUDGETBOT_TEST_PG_URL}, dropped on close; the test is
 * skipped when the variable is unset, and fails when {@code CI=true} as well.
 */
public final class PgSchema implements AutoCloseable {
    private final String baseUrl;
    private final String schema;

    private PgSchema(String baseUrl, String schema) {
        this.baseUrl = baseUrl;
        this.schema = schema;
    }

    public static PgSchema create() throws SQLException {
        String base = System.getenv("BUDGETBOT_TEST_PG_URL");
        Needs.that(base != null && !base.isBlank(),
                "BUDGETBOT_TEST_PG_URL is not set: start one with bash .ci/start-postgres.sh");
        String schema = "t_" + UUID.randomUUID().toString().replace("-", "").toLowerCase(Locale.ROOT);
        execute(base, "CREATE SCHEMA " + schema);
        return new PgSchema(base, schema);
    }

    /** The JDBC URL whose connections use this schema. */
    public String url() {
        return baseUrl + (baseUrl.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    @Override
    public void close() throws SQLException {
        execute(baseUrl, "DROP SCHEMA " + schema + " CASCADE");
    }

    private static void execute(String url, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}

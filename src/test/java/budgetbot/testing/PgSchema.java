package budgetbot.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

/**
 * A new, empty schema in the PostgreSQL named by {@code BUDGETBOT_TEST_PG_URL}, dropped on close. Without the
 * variable, in a {@link LocalPostgres} that this JVM starts on first use and stops when it exits.
 */
public final class PgSchema implements AutoCloseable {
    private final String baseUrl;
    private final String schema;

    private PgSchema(String baseUrl, String schema) {
        this.baseUrl = baseUrl;
        this.schema = schema;
    }

    public static PgSchema create() throws SQLException {
        String base = Shared.URL;
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

    /** The server every schema of this JVM is made in, chosen (and started) once. */
    private static final class Shared {
        static final String URL = url();

        private static String url() {
            String given = System.getenv("BUDGETBOT_TEST_PG_URL");
            if (given != null && !given.isBlank()) {
                return given;
            }
            LocalPostgres pg = LocalPostgres.start();
            Runtime.getRuntime().addShutdownHook(new Thread(pg::close, "local-postgres-stop"));
            return pg.url();
        }
    }

    private static void execute(String url, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}

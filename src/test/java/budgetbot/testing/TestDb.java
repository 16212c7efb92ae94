package budgetbot.testing;

import budgetbot.config.Secret;
import budgetbot.config.StateConfig;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;

/**
 * A fresh, empty database for one test: an H2 file in a temporary directory, or a new schema in the
 * test PostgreSQL ({@link PgSchema}).
 */
public final class TestDb implements AutoCloseable {
    public enum Kind { H2, POSTGRES }

    private final StateConfig config;
    private final PgSchema pg;

    private TestDb(StateConfig config, PgSchema pg) {
        this.config = config;
        this.pg = pg;
    }

    public static TestDb create(Kind kind, Path dir) throws SQLException {
        if (kind == Kind.H2) {
            String url = "jdbc:h2:file:" + dir.resolve("state/budgetbot").toAbsolutePath();
            return new TestDb(config(url), null);
        }
        PgSchema pg = PgSchema.create();
        return new TestDb(config(pg.url()), pg);
    }

    private static StateConfig config(String url) {
        return new StateConfig(url, "", new Secret(""), false, Duration.ofDays(90));
    }

    public StateConfig config() {
        return config;
    }

    @Override
    public void close() throws SQLException {
        if (pg != null) {
            pg.close();
        }
    }
}

package budgetbot.app;

import budgetbot.config.UCloudConfig;
import budgetbot.state.Sql;
import budgetbot.state.StateStore;
import budgetbot.usage.ApiKey;
import budgetbot.usage.KeyLimits;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The last listing of the project's API keys, kept in the state database with its time, so that one-shot commands
 * (and a restarted {@code run}) within {@code ucloud.discoveryInterval} of it make no discovery calls.
 */
final class RememberedKeys {
    /** One listing: when, and what. */
    record Listing(Instant listedAt, List<ApiKey> keys) {
        Listing {
            Objects.requireNonNull(listedAt, "listedAt");
            keys = List.copyOf(keys);
        }
    }

    private final StateStore store;
    private final String project;

    RememberedKeys(StateStore store, UCloudConfig ucloud) {
        this.store = Objects.requireNonNull(store, "store");
        // the public key tells accounts apart; it is no secret (the private key is)
        this.project = ucloud.baseUrl() + " " + ucloud.projectId() + " " + ucloud.publicKey();
    }

    Optional<Listing> load() {
        return store.autoCommit("read the remembered key listing", c -> {
            List<Instant> at = Sql.query(c, "SELECT listed_at FROM key_listing WHERE project = ?",
                    ps -> ps.setString(1, project), rs -> Sql.instant(rs, "listed_at"));
            if (at.isEmpty()) {
                return Optional.empty();
            }
            List<ApiKey> keys = Sql.query(c, "SELECT key_id, name, enabled, expires, models, daily_limit, daily_used,"
                    + " monthly_limit, monthly_used, modelverse_disabled FROM key_listing_keys WHERE project = ?"
                    + " ORDER BY key_id", ps -> ps.setString(1, project), rs -> new ApiKey(
                    rs.getString("key_id"), rs.getString("name"), rs.getBoolean("enabled"),
                    Sql.optionalInstant(rs, "expires"),
                    Optional.ofNullable(rs.getString("models")).map(m -> m.isEmpty() ? List.<String>of()
                            : Arrays.asList(m.split("\n"))),
                    new KeyLimits(new KeyLimits.Limit(amount(rs, "daily_limit"), amount(rs, "daily_used")),
                            new KeyLimits.Limit(amount(rs, "monthly_limit"), amount(rs, "monthly_used")),
                            rs.getBoolean("modelverse_disabled"))));
            return Optional.of(new Listing(at.get(0), keys));
        });
    }

    /** The column's fixed scale (100.000000) is storage detail: the amount as UCloud listed it. */
    private static BigDecimal amount(ResultSet rs, String column) throws SQLException {
        return rs.getBigDecimal(column).stripTrailingZeros();
    }

    /** Replaces the remembered listing; a read-only store (a dry run) keeps nothing. */
    void save(List<ApiKey> keys, Instant at) {
        if (store.isReadOnly()) {
            return;
        }
        store.inTransaction("remember the key listing", c -> {
            Sql.update(c, "DELETE FROM key_listing WHERE project = ?", ps -> ps.setString(1, project));
            Sql.update(c, "INSERT INTO key_listing (project, listed_at) VALUES (?, ?)", ps -> {
                ps.setString(1, project);
                ps.setObject(2, Sql.timestamp(at));
            });
            for (ApiKey k : keys) {
                Sql.update(c, "INSERT INTO key_listing_keys (project, key_id, name, enabled, expires, models,"
                        + " daily_limit, daily_used, monthly_limit, monthly_used, modelverse_disabled)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", ps -> {
                    ps.setString(1, project);
                    ps.setString(2, k.id());
                    ps.setString(3, k.name());
                    ps.setBoolean(4, k.enabled());
                    if (k.expires().isPresent()) {
                        ps.setObject(5, Sql.timestamp(k.expires().get()));
                    } else {
                        ps.setNull(5, Types.TIMESTAMP_WITH_TIMEZONE);
                    }
                    ps.setString(6, k.models().map(m -> String.join("\n", m)).orElse(null));
                    ps.setBigDecimal(7, k.limits().daily().amount());
                    ps.setBigDecimal(8, k.limits().daily().used());
                    ps.setBigDecimal(9, k.limits().monthly().amount());
                    ps.setBigDecimal(10, k.limits().monthly().used());
                    ps.setBoolean(11, k.limits().modelverseDisabled());
                });
            }
            return null;
        });
    }
}

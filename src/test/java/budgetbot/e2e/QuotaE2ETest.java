package budgetbot.e2e;

import budgetbot.simulator.SimKeys;
import budgetbot.simulator.Simulator;
import budgetbot.usage.KeyLimits;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

import static budgetbot.e2e.Scenario.BATCH;
import static budgetbot.e2e.Scenario.PROD;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Quota alerts from the command line: a key near its own UCloud daily limit gets one alert naming it, a key
 * without limits none; the alert escalates, repeats nothing, and resolves when the limit is raised.
 */
class QuotaE2ETest {
    @TempDir
    Path dir;

    final Simulator sim = Scenario.simulator();

    @AfterEach
    void stop() {
        sim.close();
    }

    private Path config() {
        Map<String, String> values = new HashMap<>(Scenario.ucloud(sim));
        values.put("STATE_URL", stateUrl());
        return Scenario.config(dir, "quota.yml", values);
    }

    private String stateUrl() {
        return "jdbc:h2:file:" + dir.resolve("state").resolve("budgetbot").toAbsolutePath();
    }

    private void limit(String key, String daily, String used) {
        sim.keys().put(SimKeys.Key.enabled(key, Scenario.MODELS).with(new KeyLimits(
                new KeyLimits.Limit(new BigDecimal(daily), new BigDecimal(used)), KeyLimits.Limit.NONE, false)));
    }

    /** What a due listing looks like to the next command: none remembered. */
    private void forgetListing() {
        sql("DELETE FROM key_listing");
    }

    private void sql(String update) {
        try (Connection c = DriverManager.getConnection(stateUrl()); Statement s = c.createStatement()) {
            s.executeUpdate(update);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aKeyNearItsDailyLimitGetsOneAlertNamingItAndKeysWithoutLimitsNone() {
        Path config = config();
        limit(PROD, "100", "96.5");

        Cli.Run first = Cli.run("check", "--config", config.toString(), "--at", "2026-11-22T23:00").exits(0);
        Cli.Run again = Cli.run("check", "--config", config.toString(), "--at", "2026-11-22T23:05").exits(0);

        assertThat(first.out()).containsOnlyOnce("alert -> ops").contains(PROD + ") has used CNY 96.50 of its"
                        + " UCloud daily limit CNY 100.00 — UCloud refuses its requests at the limit")
                .doesNotContain(BATCH + ")").contains("Threshold crossed: 95%")
                .contains("key-quota: 1 condition, 1 active").contains("at the average rate of the period so far");
        assertThat(again.out()).doesNotContain("has used").contains("0 notifications");
    }

    @Test
    void withPricesAKeyNearItsLimitIsTimedAtItsRecentCostAndOnlyItsUsageIsFetched() {
        Map<String, String> values = new HashMap<>(Scenario.ucloud(sim));
        values.put("STATE_URL", stateUrl());
        Path config = Scenario.config(dir, "quota-priced.yml", values);
        limit(PROD, "100", "96.5");

        Cli.Run check = Cli.run("check", "--config", config.toString(), "--at", "2026-11-22T23:00").exits(0);

        assertThat(check.out()).contains(PROD + ") has used CNY 96.50 of its UCloud daily limit CNY 100.00")
                .contains("at the recent rate (last 6h, usage × prices)");
        assertThat(sim.requests()).filteredOn(r -> Simulator.TOKEN_USAGE.equals(r.get("Action")))
                .extracting(r -> r.get("KeyId") + " " + r.get("Model")).isNotEmpty()
                .allMatch(s -> s.startsWith(PROD + " "), "only the key near its limit")
                .contains(PROD + " " + Scenario.R1, PROD + " " + Scenario.QWQ);
    }

    @Test
    void aQuotaRuleWhoseKeysCanNoLongerBeListedFailsLikeAFetchAndIsAnnouncedPastStaleAfter() {
        Path config = config();
        limit(PROD, "100", "96.5");
        Cli.run("check", "--config", config.toString(), "--at", "2026-11-22T22:00").exits(0);
        sim.refuse(Simulator.LIST_KEYS, 299, "IAM check failed");
        sql("UPDATE key_listing SET listed_at = TIMESTAMP WITH TIME ZONE '2026-01-01 00:00:00+00'");

        Cli.Run first = Cli.run("check", "--config", config.toString(), "--at", "2026-11-22T22:05").exits(1);
        Cli.Run later = Cli.run("check", "--config", config.toString(), "--at", "2026-11-22T22:40").exits(1);

        assertThat(first.all()).as("not checked against limits listed hours ago")
                .contains("UCloud's API keys, with their limits, could not be listed")
                .contains("IAM check failed").doesNotContain("usage data unavailable");
        assertThat(later.out()).contains("key-quota: usage data unavailable since");
    }

    @Test
    void resolvesWhenTheLimitIsRaisedAndFiresAgainWhenTheKeyComesClose() {
        Path config = config();
        limit(PROD, "100", "85");
        Cli.run("check", "--config", config.toString(), "--at", "2026-11-22T20:00").exits(0);

        limit(PROD, "200", "85");
        Cli.Run fresh = Cli.run("check", "--config", config.toString(), "--at", "2026-11-22T20:03").exits(0);
        forgetListing();
        Cli.Run raised = Cli.run("check", "--config", config.toString(), "--at", "2026-11-22T20:05").exits(0);
        limit(PROD, "200", "192");
        forgetListing();
        Cli.Run close = Cli.run("check", "--config", config.toString(), "--at", "2026-11-22T20:10").exits(0);

        // within discoveryInterval the remembered listing stands: no UCloud call, the raise is not seen yet
        assertThat(fresh.out()).contains("1 active").contains("0 notifications");
        assertThat(raised.out()).contains(PROD + ") back below the thresholds of its UCloud daily limit");
        assertThat(close.out()).contains("has used CNY 192.00 of its UCloud daily limit CNY 200.00");
    }

    @Test
    void theDigestOfAQuotaRuleListsEveryKeysLimitsAndUse() {
        Path config = config();
        limit(PROD, "100", "96.5");
        Cli.run("check", "--config", config.toString(), "--at", "2026-11-22T23:00").exits(0);

        Cli.Run digest = Cli.run("digest", "--config", config.toString(), "--name", "daily-limits", "--at",
                "2026-11-23T09:00").exits(0);

        assertThat(digest.out()).contains("UCloud limits").contains(PROD + ")").contains("CNY 96.50")
                .contains("CNY 100.00 (96%)").doesNotContain(BATCH + ")");
    }
}

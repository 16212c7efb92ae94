package budgetbot.e2e;

import budgetbot.simulator.Simulator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static budgetbot.e2e.Scenario.PROD;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Budget actions from the command line against the simulator, which counts every UpdateUMInferAPIKey it gets: a
 * manual disable waits for approval, is sent on approve and undone on revert; an automatic cap is sent once, and a
 * dry run sends none.
 */
class GuardE2ETest {
    @TempDir
    Path dir;

    final Simulator sim = Scenario.simulator();

    @AfterEach
    void stop() {
        sim.close();
    }

    private Path config(String rule, String metric, String limit, String what, String approval) {
        return config(rule, metric, limit, what, approval, "");
    }

    private Path config(String rule, String metric, String limit, String what, String approval, String until) {
        Map<String, String> values = new HashMap<>(Scenario.ucloud(sim));
        values.put("STATE_URL", "jdbc:h2:file:" + dir.resolve("state").resolve("budgetbot").toAbsolutePath());
        values.putAll(Map.of("RULE", rule, "METRIC", metric, "LIMIT", limit, "DO", what, "APPROVAL", approval,
                "UNTIL", until));
        return Scenario.config(dir, "guard.yml", values);
    }

    private List<Map<String, String>> updates() {
        return sim.requests().stream().filter(r -> Simulator.UPDATE_KEY.equals(r.get("Action"))).toList();
    }

    @Test
    void aManualDisableWaitsForApprovalThenDisablesTheKeyAndRevertEnablesItAgain() {
        Path config = config("prod-spend", "tokens", "1k", "disable", "manual");

        Cli.Run check = Cli.run("check", "--config", config.toString(), "--at", "2026-11-22T23:00").exits(0);
        Cli.Run again = Cli.run("check", "--config", config.toString(), "--at", "2026-11-22T23:05").exits(0);

        assertThat(check.out()).contains("Action #1 waits for approval: disable key " + PROD
                + " (ModelverseDisabled=1)").contains("budgetbot action approve 1 (or: budgetbot action reject 1)");
        assertThat(check.out()).as("the alert crossing the action's threshold says so, and comes first")
                .contains("Action: #1 waits for approval: disable key " + PROD + " (ModelverseDisabled=1): UCloud"
                        + " refuses all its requests — budgetbot action approve 1 (or: budgetbot action reject 1)");
        assertThat(check.out().indexOf("+-- alert -> ops")).isNotNegative()
                .isLessThan(check.out().indexOf("+-- action -> ops"));
        assertThat(again.out()).doesNotContain("Action #");
        assertThat(updates()).isEmpty();
        assertThat(Cli.run("action", "list", "--config", config.toString()).exits(0).out())
                .contains("#1  pending  rule prod-spend  disable " + PROD + " (ModelverseDisabled=1)");

        Cli.Run approve = Cli.run("action", "approve", "1", "--by", "alice", "--config", config.toString()).exits(0);

        assertThat(approve.out()).contains("action #1 applied: disable " + PROD + " (ModelverseDisabled=1), was 0")
                .contains("Action #1 done");
        assertThat(updates()).singleElement().satisfies(u -> assertThat(u).containsEntry("KeyId", PROD)
                .containsEntry("ModelverseDisabled", "1").doesNotContainKeys("DailyLimitAmount", "MonthlyLimitAmount"));
        assertThat(Cli.run("action", "approve", "1", "--config", config.toString()).exits(2).err())
                .contains("action #1 is applied, not pending");
        assertThat(Cli.run("action", "list", "--config", config.toString()).exits(0).out())
                .contains("#1  applied").contains("(was 0)").contains("by alice");

        Cli.Run revert = Cli.run("action", "revert", "1", "--config", config.toString()).exits(0);

        assertThat(revert.out()).contains("action #1 undone: " + PROD + " ModelverseDisabled=0 again");
        assertThat(updates()).hasSize(2).last().satisfies(u -> assertThat(u).containsEntry("KeyId", PROD)
                .containsEntry("ModelverseDisabled", "0"));
        assertThat(Cli.run("action", "revert", "1", "--config", config.toString()).exits(2).err())
                .contains("action #1 is reverted, not applied");
        assertThat(Cli.run("action", "reject", "7", "--config", config.toString()).exits(2).err())
                .contains("there is no action #7");
    }

    @Test
    void anAutomaticCapSetsTheDailyLimitOnceAndADryRunSendsNothing() {
        Path config = config("prod-cap", "cost", "0.4", "cap", "auto");

        Cli.Run dry = Cli.run("check", "--config", config.toString(), "--at", "2026-11-22T23:00", "--dry-run")
                .exits(0);
        assertThat(dry.out()).contains("would cap " + PROD + " (DailyLimitAmount=0.4) (UpdateUMInferAPIKey not sent)");
        assertThat(updates()).isEmpty();

        Cli.Run check = Cli.run("check", "--config", config.toString(), "--at", "2026-11-22T23:00").exits(0);
        Cli.Run later = Cli.run("check", "--config", config.toString(), "--at", "2026-11-22T23:30").exits(0);
        Cli.Run dryLater = Cli.run("check", "--config", config.toString(), "--at", "2026-11-22T23:35", "--dry-run")
                .exits(0);

        assertThat(check.out()).contains("action #1 applied: cap " + PROD + " (DailyLimitAmount=0.4), was 0")
                .contains("Action #1 done: cap key " + PROD + " (DailyLimitAmount=0.4)")
                .contains("budgetbot action revert 1")
                .contains("Action: #1 done: cap key " + PROD + " (DailyLimitAmount=0.4): UCloud refuses its requests"
                        + " beyond that — undo: budgetbot action revert 1");
        assertThat(later.out()).doesNotContain("action #");
        assertThat(dryLater.out()).doesNotContain("would cap");
        assertThat(updates()).singleElement().satisfies(u -> assertThat(u).containsEntry("KeyId", PROD)
                .containsEntry("DailyLimitAmount", "0.4").doesNotContainKey("ModelverseDisabled"));
    }

    @Test
    void whenUCloudRefusesTheChangeTheActionFailsAndTheChannelsAreToldWithTheRetCode() {
        Path config = config("prod-spend", "tokens", "1k", "disable", "auto");
        sim.refuse(Simulator.UPDATE_KEY, 299, "IAM check failed");

        Cli.Run check = Cli.run("check", "--config", config.toString(), "--at", "2026-11-22T23:00").exits(0);
        Cli.Run again = Cli.run("check", "--config", config.toString(), "--at", "2026-11-22T23:05").exits(0);

        assertThat(check.out()).contains("action #1 failed: UCloud's IAM check failed (RetCode 299: IAM check failed)")
                .contains("UCloud refused action #1: disable key " + PROD);
        assertThat(again.out()).doesNotContain("action #1");
        assertThat(updates()).hasSize(1);
        assertThat(Cli.run("action", "list", "--config", config.toString()).exits(0).out()).contains("#1  failed");
        assertThat(Cli.run("action", "revert", "1", "--config", config.toString()).exits(2).err())
                .contains("action #1 is failed, not applied");
    }

    @Test
    void aCapUntilPeriodEndIsUndoneByTheFirstCheckAfterTheDayEnds() {
        Path config = config("prod-cap", "cost", "0.4", "cap", "auto", ", until: periodEnd");

        Cli.run("check", "--config", config.toString(), "--at", "2026-11-22T23:00").exits(0);
        Cli.Run nextDay = Cli.run("check", "--config", config.toString(), "--at", "2026-11-23T00:05").exits(0);

        assertThat(nextDay.out()).contains("action #1 undone: " + PROD + " DailyLimitAmount=0 again")
                .contains("Action #1 undone");
        assertThat(updates()).extracting(u -> u.get("DailyLimitAmount")).containsExactly("0.4", "0");
        assertThat(Cli.run("action", "list", "--config", config.toString()).exits(0).out())
                .contains("#1  reverted").contains("by periodEnd");
    }

    @Test
    void anUndoAtPeriodEndThatUCloudRefusesIsAnnouncedOnceAndTriedAgainAtEveryCheck() {
        Path config = config("prod-cap", "cost", "0.4", "cap", "auto", ", until: periodEnd");
        Cli.run("check", "--config", config.toString(), "--at", "2026-11-22T23:00").exits(0);
        sim.refuse(Simulator.UPDATE_KEY, 299, "IAM check failed");

        Cli.Run first = Cli.run("check", "--config", config.toString(), "--at", "2026-11-23T00:05").exits(0);
        Cli.Run second = Cli.run("check", "--config", config.toString(), "--at", "2026-11-23T00:10").exits(0);

        assertThat(first.out()).contains("action #1 could not be undone: UCloud's IAM check failed")
                .contains("Action #1 could not be undone");
        assertThat(second.out()).as("tried again, not announced again")
                .contains("action #1 could not be undone").doesNotContain("Action #1 could not be undone");
        assertThat(updates()).extracting(u -> u.get("DailyLimitAmount")).containsExactly("0.4", "0", "0");
        assertThat(Cli.run("action", "list", "--config", config.toString()).exits(0).out()).contains("#1  applied");
    }

    @Test
    void validateOnlineWarnsAtEveryQuotaAndActionWhenTheCredentialsCannotListKeys() {
        Path config = Scenario.config(dir, "guard-online.yml", Scenario.ucloud(sim));
        sim.refuse(Simulator.LIST_KEYS, 299, "IAM check failed");

        Cli.Run refused = Cli.run("validate", "--config", config.toString(), "--online").exits(2);

        List<String> lines = refused.err().lines().toList();
        int heading = lines.indexOf("Configuration warnings (checked against UCloud):");
        assertThat(heading).as("the heading in:%n%s", refused.err()).isNotNegative();
        assertThat(lines.subList(heading + 1, lines.size())).satisfiesExactly(
                ucloud -> assertThat(ucloud).startsWith("  " + config + ": ucloud: these credentials cannot list the"
                        + " project's API keys: UCloud's IAM check failed (RetCode 299: IAM check failed)")
                        .contains("grant the key pair ListUMInferAPIKey").contains("docs/guard.md#permissions"),
                quota -> assertThat(quota).startsWith("  " + config + ":16:12: rules[0].quota: rule key-quota cannot"
                        + " alert on quotas").contains("grant ListUMInferAPIKey (docs/guard.md#permissions)"),
                action -> assertThat(action).startsWith("  " + config + ":26:17: rules[1].budgets[0].action: rule"
                        + " prod-spend cannot disable a key").contains("grant ListUMInferAPIKey and"
                        + " UpdateUMInferAPIKey (docs/guard.md#permissions)"));
        assertThat(refused.out()).doesNotContain("OK");
        assertThat(updates()).isEmpty();
    }

    @Test
    void validateOnlineSaysItCannotTryUpdateUMInferAPIKeyWithoutChangingAKey() {
        Path config = Scenario.config(dir, "guard-online.yml", Scenario.ucloud(sim));

        Cli.Run listed = Cli.run("validate", "--config", config.toString(), "--online").exits(0);

        assertThat(listed.out()).contains("rule prod-spend: its budget actions also need UpdateUMInferAPIKey, which"
                + " validate cannot try without changing a key").contains("OK: 2 rules");
        assertThat(updates()).isEmpty();
    }
}

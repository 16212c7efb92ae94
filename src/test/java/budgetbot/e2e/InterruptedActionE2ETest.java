package budgetbot.e2e;

import budgetbot.app.App;
import budgetbot.app.Checker;
import budgetbot.config.BotConfig;
import budgetbot.config.ConfigLoader;
import budgetbot.guard.Action;
import budgetbot.simulator.Simulator;
import budgetbot.testing.PgSchema;
import budgetbot.testing.MutableClock;
import budgetbot.ucloud.UCloudClient;
import budgetbot.usage.ApiKey;
import budgetbot.usage.KeyDirectory;
import budgetbot.usage.KeyEditor;
import budgetbot.usage.KeyLimits;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static budgetbot.e2e.Scenario.PROD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A process that stops between claiming a budget action and recording UCloud's answer leaves it applying or
 * reverting. Ten minutes later the next check finishes it from what UCloud lists for the key: a change UCloud made
 * is recorded (never sent twice), one it did not is sent again while the period lasts, and given up and announced
 * after it. The process's death is a key editor that throws just before or just after the real UCloud call.
 */
class InterruptedActionE2ETest {
    private static final Instant AT = Scenario.at("2026-11-22T23:00");

    @TempDir
    Path dir;

    final Simulator sim = Scenario.simulator();
    final MutableClock clock = new MutableClock(AT);

    @AfterEach
    void stop() {
        sim.close();
    }

    /** When the process dies around UpdateUMInferAPIKey; NEVER once it has "restarted". */
    enum Death { NEVER, BEFORE_SENDING, AFTER_SENDING }

    /** The real UCloud client, and a process that dies at {@code death} around a change to a key. */
    static final class Mortal implements KeyDirectory, KeyEditor {
        final UCloudClient ucloud;
        Death death = Death.NEVER;
        /** Runs once, the next time the key is read, before reading it. */
        volatile Runnable whileReading;

        Mortal(UCloudClient ucloud) {
            this.ucloud = ucloud;
        }

        @Override
        public List<ApiKey> apiKeys() {
            return ucloud.apiKeys();
        }

        @Override
        public Optional<KeyLimits> limitsNow(String keyId) {
            Runnable meanwhile = whileReading;
            whileReading = null;
            if (meanwhile != null) {
                meanwhile.run();
            }
            return ucloud.limitsNow(keyId);
        }

        @Override
        public String updateKey(String keyId, Map<String, String> changes) {
            if (death == Death.BEFORE_SENDING) {
                throw new IllegalStateException("the process died before sending");
            }
            String requestId = ucloud.updateKey(keyId, changes);
            if (death == Death.AFTER_SENDING) {
                throw new IllegalStateException("the process died after UCloud answered " + requestId);
            }
            return requestId;
        }
    }

    private Mortal mortal;

    private App app() {
        return app("jdbc:h2:file:" + dir.resolve("state").resolve("budgetbot").toAbsolutePath());
    }

    /** An instance on the state database at {@code stateUrl}; {@link #mortal} is its key editor. */
    private App app(String stateUrl) {
        Map<String, String> values = new HashMap<>(Scenario.ucloud(sim));
        values.put("STATE_URL", stateUrl);
        values.putAll(Map.of("RULE", "prod-spend", "METRIC", "tokens", "LIMIT", "1k", "DO", "disable",
                "APPROVAL", "manual", "UNTIL", ""));
        BotConfig cfg = ConfigLoader.load(Scenario.config(dir, "guard.yml", values), Map.of());
        UCloudClient ucloud = UCloudClient.create(cfg.ucloud(), cfg.calendar().zone());
        mortal = new Mortal(ucloud);
        return App.open(cfg, ucloud, mortal, Map.of(), clock);
    }

    private List<Map<String, String>> updates() {
        return sim.requests().stream().filter(r -> Simulator.UPDATE_KEY.equals(r.get("Action"))).toList();
    }

    private static Action action(App app) {
        return app.actions().list().get(0);
    }

    private static List<String> check(App app, Instant at) {
        return new Checker(app).check(at, Optional.empty(), false).get(0).actions();
    }

    /** A pending disable, approved by alice in a process that dies at {@code death}. */
    private void approveAndDie(App app, Death death) {
        check(app, AT);
        assertThat(action(app).status()).isEqualTo(Action.Status.PENDING);
        mortal.death = death;
        assertThatThrownBy(() -> app.actions().approve(1, "alice")).hasMessageContaining("the process died");
        mortal.death = Death.NEVER;
        assertThat(action(app).status()).isEqualTo(Action.Status.APPLYING);
    }

    private static List<String> announced(App app) {
        return app.outbox().pending().stream().map(e -> e.message().subject()).toList();
    }

    @Test
    void aChangeUCloudMadeBeforeTheProcessDiedIsRecordedNotSentAgain() {
        try (App app = app()) {
            approveAndDie(app, Death.AFTER_SENDING);
            assertThat(updates()).hasSize(1);

            clock.advance(Duration.ofMinutes(5));
            assertThat(check(app, clock.instant())).as("another instance may still be sending it").isEmpty();
            assertThat(action(app).status()).isEqualTo(Action.Status.APPLYING);

            clock.advance(Duration.ofMinutes(6));
            assertThat(check(app, clock.instant())).singleElement().asString()
                    .contains("action #1 was applied before an interruption")
                    .contains("UCloud lists " + PROD + " with ModelverseDisabled=1");

            assertThat(updates()).as("UCloud already had it").hasSize(1);
            assertThat(action(app).status()).isEqualTo(Action.Status.APPLIED);
            assertThat(action(app).before()).contains("0");
            assertThat(app.actions().decidedBy(1)).contains("budgetbot, after an interruption");
            assertThat(announced(app)).anyMatch(s -> s.contains("Action #1 done"));
            assertThat(check(app, clock.instant().plus(Duration.ofMinutes(11)))).isEmpty();

            assertThat(app.actions().revert(1, "bob").message()).contains("ModelverseDisabled=0 again");
            assertThat(updates()).hasSize(2).last().satisfies(u -> assertThat(u).containsEntry("ModelverseDisabled",
                    "0"));
        }
    }

    @Test
    void aChangeNeverSentIsSentOnceWhileItsPeriodLasts() {
        try (App app = app()) {
            approveAndDie(app, Death.BEFORE_SENDING);
            assertThat(updates()).isEmpty();

            clock.advance(Duration.ofMinutes(11));
            assertThat(check(app, clock.instant())).singleElement().asString()
                    .contains("action #1 applied: disable " + PROD);
            check(app, clock.instant().plus(Duration.ofMinutes(11)));

            assertThat(updates()).singleElement().satisfies(u -> assertThat(u).containsEntry("KeyId", PROD)
                    .containsEntry("ModelverseDisabled", "1"));
            assertThat(action(app).status()).isEqualTo(Action.Status.APPLIED);
        }
    }

    @Test
    void aChangeNeverSentIsGivenUpAndAnnouncedOnceItsPeriodEnded() {
        try (App app = app()) {
            approveAndDie(app, Death.BEFORE_SENDING);

            clock.advance(Duration.ofMinutes(61));
            assertThat(check(app, clock.instant())).anySatisfy(line -> assertThat(line)
                    .contains("action #1 was interrupted and given up")
                    .contains("UCloud lists " + PROD + " with ModelverseDisabled=0"));

            assertThat(updates()).isEmpty();
            assertThat(action(app).status()).isEqualTo(Action.Status.FAILED);
            assertThat(announced(app)).anyMatch(s -> s.contains("Action #1 did not happen"));
        }
    }

    @Test
    void anInterruptedUndoIsFinishedFromWhatUCloudLists() {
        try (App app = app()) {
            check(app, AT);
            app.actions().approve(1, "alice");
            mortal.death = Death.AFTER_SENDING;
            assertThatThrownBy(() -> app.actions().revert(1, "bob")).hasMessageContaining("the process died");
            mortal.death = Death.NEVER;
            assertThat(action(app).status()).isEqualTo(Action.Status.REVERTING);

            clock.advance(Duration.ofMinutes(11));
            assertThat(check(app, clock.instant())).singleElement().asString()
                    .contains("action #1 was undone before an interruption");

            assertThat(updates()).hasSize(2);
            assertThat(action(app).status()).isEqualTo(Action.Status.REVERTED);
            assertThat(announced(app)).anyMatch(s -> s.contains("Action #1 undone"));
        }
    }

    /**
     * On PostgreSQL, as a cluster does: while one instance finishes an interrupted action (reading the key), another
     * checks too, and leaves it alone.
     */
    @Test
    void onPostgresAnotherInstanceLeavesAnInterruptedActionToTheOneFinishingIt() throws Exception {
        try (PgSchema pg = PgSchema.create(); App first = app(pg.url())) {
            Mortal firstEditor = mortal;
            approveAndDie(first, Death.AFTER_SENDING);
            try (App second = app(pg.url())) {
                clock.advance(Duration.ofMinutes(11));
                List<String> meanwhile = new ArrayList<>();
                firstEditor.whileReading = () -> meanwhile.addAll(check(second, clock.instant()));

                assertThat(check(first, clock.instant())).singleElement().asString()
                        .contains("action #1 was applied before an interruption");

                assertThat(firstEditor.whileReading).as("the second instance checked meanwhile").isNull();
                assertThat(meanwhile).isEmpty();
                assertThat(updates()).hasSize(1);
                assertThat(action(second).status()).isEqualTo(Action.Status.APPLIED);
                assertThat(announced(second)).filteredOn(m -> m.contains("Action #1 done")).hasSize(1);
            }
        }
    }
}

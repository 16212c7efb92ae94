package budgetbot.app;

import budgetbot.config.BotConfig;
import budgetbot.config.ConfigLoader;
import budgetbot.notify.Message;
import budgetbot.notify.Notifier;
import budgetbot.simulator.Simulator;
import budgetbot.simulator.SimulatorOptions;
import budgetbot.state.AlertLogEntry;
import budgetbot.testing.MutableClock;
import budgetbot.testing.TestDb;
import budgetbot.time.Window;
import budgetbot.ucloud.UCloudClient;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The acceptance of silences end to end: the simulator as UCloud, checks every five minutes, the real outbox
 * and dispatcher. A silenced rule's alert is not delivered while silenced, and is once the silence ends.
 */
class SilencedAlertTest {
    private static final Instant AT = Instant.parse("2026-11-20T07:00:00Z");
    private static final Instant UNTIL = AT.plus(Duration.ofHours(1));

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDb.Kind.class)
    void aSilencedAlertIsDeliveredWhenTheSilenceEndsAndNotBefore(TestDb.Kind kind) throws Exception {
        List<Message> sent = new CopyOnWriteArrayList<>();
        Notifier slack = sent::add;
        MutableClock clock = new MutableClock(AT);
        try (Simulator sim = Simulator.start(SimulatorOptions.defaults(
                Clock.fixed(AT.plus(Duration.ofDays(1)), ZoneOffset.UTC)));
             TestDb db = TestDb.create(kind, dir)) {
            Path file = Files.writeString(dir.resolve("rules.yml"), """
                    ucloud: { baseUrl: "%s", publicKey: "%s", privateKey: "%s" }
                    state: { url: "%s" }
                    channels: { slack: { type: console } }
                    rules:
                      - name: spend
                        keys: [uminferapikey-demo1]
                        models: [Qwen/Qwen3-32B]
                        budgets: [{ metric: tokens, limit: 1k, thresholds: [100%%] }]
                        notify: [slack]
                    """.formatted(sim.baseUrl(), sim.publicKey(), sim.privateKey().reveal(), db.config().url()));
            BotConfig cfg = ConfigLoader.load(file, Map.of());
            UCloudClient ucloud = UCloudClient.create(cfg.ucloud(), cfg.calendar().zone());
            try (App app = App.open(cfg, ucloud, ucloud, Map.of("slack", slack), clock)) {
                app.store().addSilence("spend", Optional.empty(), UNTIL, "known: load test", AT);
                Checker checker = new Checker(app);

                while (clock.instant().isBefore(UNTIL)) {
                    checker.check(clock.instant(), Optional.empty(), false);
                    app.dispatcher().drain();
                    clock.advance(Duration.ofMinutes(5));
                }
                assertThat(sent).as("nothing while silenced").isEmpty();
                assertThat(app.store().alertEvents(List.of("spend"), new Window(AT, UNTIL)))
                        .as("recorded once, as silenced").singleElement().satisfies(e -> assertThat(e.silenced()).isTrue());

                checker.check(clock.instant(), Optional.empty(), false);
                app.dispatcher().drain();

                assertThat(sent).singleElement().satisfies(m -> assertThat(m.subject()).contains("spend", "100%"));
                assertThat(app.store().alertEvents(List.of("spend"), new Window(AT, UNTIL.plusSeconds(1))))
                        .extracting(AlertLogEntry::silenced).containsExactly(true, false);
            }
        }
    }
}

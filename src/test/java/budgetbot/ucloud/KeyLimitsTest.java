package budgetbot.ucloud;

import budgetbot.config.UCloudConfig;
import budgetbot.simulator.SimKeys;
import budgetbot.simulator.Simulator;
import budgetbot.simulator.SimulatorOptions;
import budgetbot.testing.CapturedLogs;
import budgetbot.testing.MutableClock;
import budgetbot.time.Jitter;
import budgetbot.time.Sleeper;
import budgetbot.time.Window;
import budgetbot.usage.ApiKey;
import budgetbot.usage.KeyLimits;
import budgetbot.usage.Series;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A key's UCloud limits, listed and changed through the client, against the simulator that enforces them. */
class KeyLimitsTest {
    @RegisterExtension
    final CapturedLogs capturedLogs = new CapturedLogs();

    static final Instant NOW = Instant.parse("2026-04-02T03:17:00Z");
    static final String KEY = "uminferapikey-demo1";
    static final Series SERIES = new Series(KEY, "Qwen/Qwen3-32B");

    final MutableClock clock = new MutableClock(NOW);
    final Simulator sim = Simulator.start(SimulatorOptions.defaults(clock));
    final UCloudClient client = UCloudClient.create(new UCloudConfig(sim.baseUrl(), sim.publicKey(), sim.privateKey(),
            "", Duration.ofSeconds(10), 1, 4, Duration.ofHours(2), Duration.ofHours(1)),
            UCloudClientSimulatorTest.CHINA, UCloudClientSimulatorTest.FAST, Jitter.RANDOM, Sleeper.REAL);

    @AfterEach
    void stop() {
        client.close();
        sim.close();
    }

    @Test
    void listsEachKeysLimitsAndUseAndNoneForAKeyWithout() {
        sim.keys().put(SimKeys.Key.enabled(KEY, List.of(SERIES.model())).with(new KeyLimits(
                new KeyLimits.Limit(new BigDecimal("100"), new BigDecimal("96.5")), KeyLimits.Limit.NONE, false)));

        List<ApiKey> keys = client.apiKeys();

        ApiKey limited = keys.stream().filter(k -> k.id().equals(KEY)).findFirst().orElseThrow();
        assertThat(limited.limits().daily()).isEqualTo(new KeyLimits.Limit(new BigDecimal("100"),
                new BigDecimal("96.5")));
        assertThat(limited.limits().monthly().limited()).isFalse();
        assertThat(keys).filteredOn(k -> !k.id().equals(KEY)).isNotEmpty()
                .allSatisfy(k -> assertThat(k.limits().daily().limited() || k.limits().monthly().limited()).isFalse());
    }

    @Test
    void updatesAKeyWithOnlyWhatChangesAndTheSimulatorStopsItsUsageFromThen() {
        Window today = new Window(Instant.parse("2026-04-01T16:00:00Z"), NOW.plus(Duration.ofHours(5)));
        var before = sim.expected(SERIES, today);

        String requestId = client.updateKey(KEY, Map.of("ModelverseDisabled", "1"));
        clock.advance(Duration.ofHours(3));

        assertThat(requestId).isNotBlank();
        Map<String, String> sent = sim.requests().get(sim.requests().size() - 1);
        assertThat(sent).containsEntry("Action", "UpdateUMInferAPIKey").containsEntry("KeyId", KEY)
                .containsEntry("ModelverseDisabled", "1").doesNotContainKeys("DailyLimitAmount", "MonthlyLimitAmount");
        assertThat(client.limitsNow(KEY)).hasValueSatisfying(l -> assertThat(l.modelverseDisabled()).isTrue());
        assertThat(client.fetch(SERIES, today).totals()).isEqualTo(before);

        client.updateKey(KEY, Map.of("ModelverseDisabled", "0", "DailyLimitAmount", "0.4"));
        clock.advance(Duration.ofHours(1));

        assertThat(client.limitsNow(KEY)).hasValue(new KeyLimits(new KeyLimits.Limit(new BigDecimal("0.4"),
                BigDecimal.ZERO), KeyLimits.Limit.NONE, false));
        assertThat(client.fetch(SERIES, today).totals().totalTokens()).isGreaterThan(before.totalTokens());
    }

    @Test
    void aKeyAtItsLimitHasNoNewUsage() {
        Window today = new Window(Instant.parse("2026-04-01T16:00:00Z"), NOW.plus(Duration.ofHours(5)));
        sim.keys().put(SimKeys.Key.enabled(KEY, List.of(SERIES.model())).with(new KeyLimits(
                new KeyLimits.Limit(new BigDecimal("10"), new BigDecimal("10")), KeyLimits.Limit.NONE, false)));
        var atLimit = sim.expected(SERIES, today);

        clock.advance(Duration.ofHours(4));

        assertThat(client.fetch(SERIES, today).totals()).isEqualTo(atLimit);
    }

    @Test
    void aRefusedUpdateCarriesUCloudsRetCode() {
        assertThatThrownBy(() -> client.updateKey("uminferapikey-nope", Map.of("ModelverseDisabled", "1")))
                .isInstanceOfSatisfying(UCloudException.class, e -> {
                    assertThat(e.retCode()).hasValue(230);
                    assertThat(e.requestId()).isPresent();
                    assertThat(e.getMessage()).contains("UpdateUMInferAPIKey for KeyId uminferapikey-nope");
                });
        assertThat(client.limitsNow("uminferapikey-nope")).isEmpty();
    }
}

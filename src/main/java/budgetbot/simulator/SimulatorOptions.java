package budgetbot.simulator;

import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How to run a {@link Simulator}.
 *
 * @param port  0 = any free port
 * @param seed  makes the synthetic usage and the demo key pair reproducible
 * @param clock "now": usage after it is zero, and a spike without a start ends there
 */
public record SimulatorOptions(int port, long seed, List<String> keys, List<String> models, Optional<Spike> spike,
                               Clock clock) {
    public static final List<String> DEFAULT_KEYS = List.of("uminferapikey-demo1", "uminferapikey-demo2");
    public static final List<String> DEFAULT_MODELS = List.of("deepseek-ai/DeepSeek-V3-0324", "Qwen/Qwen3-32B",
            "moonshotai/Kimi-K2-Instruct");

    public SimulatorOptions {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        keys = List.copyOf(keys);
        models = List.copyOf(models);
        if (keys.isEmpty() || models.isEmpty()) {
            throw new IllegalArgumentException("the simulator needs at least one key and one model");
        }
        Objects.requireNonNull(spike, "spike");
        Objects.requireNonNull(clock, "clock");
    }

    /** Any free port, seed 42, two demo keys, three models, no spike, the system clock. */
    public static SimulatorOptions defaults() {
        return new SimulatorOptions(0, 42, DEFAULT_KEYS, DEFAULT_MODELS, Optional.empty(), Clock.systemUTC());
    }

    public SimulatorOptions withSeed(long seed) {
        return new SimulatorOptions(port, seed, keys, models, spike, clock);
    }

    public SimulatorOptions withKeys(List<String> keys) {
        return new SimulatorOptions(port, seed, keys, models, spike, clock);
    }

    public SimulatorOptions withModels(List<String> models) {
        return new SimulatorOptions(port, seed, keys, models, spike, clock);
    }

    public SimulatorOptions withSpike(Spike spike) {
        return new SimulatorOptions(port, seed, keys, models, Optional.of(spike), clock);
    }

    public SimulatorOptions withClock(Clock clock) {
        return new SimulatorOptions(port, seed, keys, models, spike, clock);
    }
}

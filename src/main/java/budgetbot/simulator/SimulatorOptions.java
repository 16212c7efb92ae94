package budgetbot.simulator;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * How to run a {@link Simulator}.
 *
 * @param port      0 = any free port
 * @param seed      makes the synthetic usage and the demo key pair reproducible
 * @param clock     "now": usage after it is zero, and a spike without a start ends there
 * @param maxWindow longer {@code GetUMInferTokenUsage} windows get RetCode 110, as UCloud times out on them
 * @param rhythm    the shape of the usage over a day or a week
 */
public record SimulatorOptions(int port, long seed, List<String> keys, List<String> models, Optional<Spike> spike,
                               Clock clock, Duration maxWindow, Rhythm rhythm) {
    public static final List<String> DEFAULT_KEYS = List.of("uminferapikey-demo1", "uminferapikey-demo2");
    public static final List<String> DEFAULT_MODELS = List.of("deepseek-ai/DeepSeek-V3-0324", "Qwen/Qwen3-32B",
            "moonshotai/Kimi-K2-Instruct");
    /** UCloud times out on windows longer than about 10 days. */
    public static final Duration DEFAULT_MAX_WINDOW = Duration.ofDays(10);
    /** The name of synthetic key {@code i} (1-based), see {@link #syntheticKeys(int)}. */
    public static final String SYNTHETIC_KEY_FORMAT = "uminferapikey-sim-%05d";

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
        Objects.requireNonNull(maxWindow, "maxWindow");
        if (maxWindow.isNegative() || maxWindow.isZero()) {
            throw new IllegalArgumentException("maxWindow must be positive: " + maxWindow);
        }
        Objects.requireNonNull(rhythm, "rhythm");
    }

    /** Options with the daily rhythm. */
    public SimulatorOptions(int port, long seed, List<String> keys, List<String> models, Optional<Spike> spike,
                            Clock clock, Duration maxWindow) {
        this(port, seed, keys, models, spike, clock, maxWindow, Rhythm.DAILY);
    }

    /** Options whose windows may be {@link #DEFAULT_MAX_WINDOW} long, as UCloud's. */
    public SimulatorOptions(int port, long seed, List<String> keys, List<String> models, Optional<Spike> spike,
                            Clock clock) {
        this(port, seed, keys, models, spike, clock, DEFAULT_MAX_WINDOW, Rhythm.DAILY);
    }

    /** Any free port, seed 42, two demo keys, three models, no spike, {@code clock} (the command line's). */
    public static SimulatorOptions defaults(Clock clock) {
        return new SimulatorOptions(0, 42, DEFAULT_KEYS, DEFAULT_MODELS, Optional.empty(), clock);
    }

    /**
     * {@code count} made-up key ids, {@code uminferapikey-sim-00001} upwards, for serving many series without
     * listing them (benchmarks: 2,500 keys x 4 models = 10,000 series).
     */
    public static List<String> syntheticKeys(int count) {
        if (count < 1 || count > 99_999) {
            throw new IllegalArgumentException("synthetic key count must be 1..99999: " + count);
        }
        return IntStream.rangeClosed(1, count).mapToObj(i -> String.format(SYNTHETIC_KEY_FORMAT, i)).toList();
    }

    public SimulatorOptions withSeed(long seed) {
        return new SimulatorOptions(port, seed, keys, models, spike, clock, maxWindow, rhythm);
    }

    public SimulatorOptions withKeys(List<String> keys) {
        return new SimulatorOptions(port, seed, keys, models, spike, clock, maxWindow, rhythm);
    }

    public SimulatorOptions withModels(List<String> models) {
        return new SimulatorOptions(port, seed, keys, models, spike, clock, maxWindow, rhythm);
    }

    public SimulatorOptions withSpike(Spike spike) {
        return new SimulatorOptions(port, seed, keys, models, Optional.of(spike), clock, maxWindow, rhythm);
    }

    public SimulatorOptions withClock(Clock clock) {
        return new SimulatorOptions(port, seed, keys, models, spike, clock, maxWindow, rhythm);
    }

    public SimulatorOptions withRhythm(Rhythm rhythm) {
        return new SimulatorOptions(port, seed, keys, models, spike, clock, maxWindow, rhythm);
    }

    public SimulatorOptions withMaxWindow(Duration maxWindow) {
        return new SimulatorOptions(port, seed, keys, models, spike, clock, maxWindow, rhythm);
    }
}

package budgetbot.cli;

import budgetbot.simulator.Fault;
import budgetbot.simulator.Simulator;
import budgetbot.simulator.SimulatorOptions;
import budgetbot.simulator.Rhythm;
import budgetbot.simulator.Spike;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

/** {@code daily} or {@code weekly}, as people write it. */
final class RhythmConverter implements picocli.CommandLine.ITypeConverter<Rhythm> {
    @Override
    public Rhythm convert(String value) {
        try {
            return Rhythm.valueOf(value.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.TypeConversionException("expected daily or weekly, got '" + value + "'");
        }
    }
}

/** {@code budgetbot simulator}: runs a fake UCloud endpoint with synthetic usage until it is stopped. */
@Command(name = "simulator", mixinStandardHelpOptions = true,
        description = {"Serve a fake UCloud OpenAPI on 127.0.0.1 with deterministic synthetic token usage.",
                "Prints the ucloud: block to paste into rules.yml, and serves until Ctrl-C or SIGTERM."})
public final class SimulatorCommand implements Callable<Integer> {
    @Option(names = "--port", defaultValue = "8089", description = "port on 127.0.0.1, 0 = any free one (default: ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--seed", defaultValue = "42", description = "seed of the usage and the demo key pair (default: ${DEFAULT-VALUE})")
    long seed;

    /** What the shipped rules.yml names, served besides the demo keys and models, so that it validates online. */
    static final List<String> EXAMPLE_KEYS = List.of("uminferapikey-prod");
    static final List<String> EXAMPLE_MODELS = List.of("deepseek-ai/DeepSeek-R1", "Qwen/QwQ-32B");

    @Option(names = "--keys", split = ",", paramLabel = "KEY",
            description = "API key ids to serve (default: the demo keys and the example rules.yml's)")
    List<String> keys = concat(SimulatorOptions.DEFAULT_KEYS, EXAMPLE_KEYS);

    @Option(names = "--models", split = ",", paramLabel = "MODEL",
            description = "models to serve (default: three demo models and the example rules.yml's)")
    List<String> models = concat(SimulatorOptions.DEFAULT_MODELS, EXAMPLE_MODELS);

    @Option(names = "--synthetic-keys", paramLabel = "N",
            description = "serve N made-up keys, uminferapikey-sim-00001 upwards, instead of --keys (for benchmarks)")
    Integer syntheticKeys;

    @Option(names = "--max-window-days", defaultValue = "10",
            description = "longer windows get RetCode 110 like UCloud's timeout (default: ${DEFAULT-VALUE})")
    int maxWindowDays;

    @Option(names = "--rhythm", defaultValue = "daily", paramLabel = "daily|weekly",
            converter = RhythmConverter.class,
            description = "daily: every day alike, ±30%% noise; weekly: quiet weekends, a Monday-morning ramp, ±10%% noise"
                    + " (default: ${DEFAULT-VALUE})")
    Rhythm rhythm;

    @Option(names = "--spike", paramLabel = "KEY_OR_MODEL",
            description = "multiply the usage of this key, model or 'key x model' over the last hours")
    String spike;

    @Option(names = "--spike-factor", defaultValue = "8", description = "how much the spike multiplies (default: ${DEFAULT-VALUE})")
    double spikeFactor;

    @Option(names = "--spike-hours", defaultValue = "3", description = "how many hours before now the spike covers (default: ${DEFAULT-VALUE})")
    int spikeHours;

    @Option(names = "--spike-at", paramLabel = "TIME", description = "start the spike at this moment instead (ISO-8601 "
            + "with offset, or unix seconds): a known spike in the history, e.g. for backtest")
    String spikeAt;

    @Option(names = "--config", paramLabel = "FILE",
            description = "accepted like every budgetbot command; the simulator takes its keys and models from the options above")
    Path config;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        Simulator sim = start(spec.commandLine().getOut());
        Runtime.getRuntime().addShutdownHook(new Thread(sim::close, "simulator-shutdown"));
        // nothing ever counts down: the JVM's shutdown (Ctrl-C, SIGTERM) ends the wait
        new CountDownLatch(1).await();
        return 0;
    }

    /** Starts the simulator and prints how to point budgetbot at it. */
    Simulator start(PrintWriter out) {
        Optional<Instant> start = Optional.ofNullable(spikeAt).map(t -> Times.parse(t, ZoneOffset.UTC, Instant.EPOCH));
        Optional<Spike> spikeOption = Optional.ofNullable(spike).map(t -> new Spike(t, start,
                Duration.ofHours(spikeHours), spikeFactor));
        List<String> served = syntheticKeys == null ? keys : SimulatorOptions.syntheticKeys(syntheticKeys);
        Simulator sim = Simulator.start(new SimulatorOptions(port, seed, served, models, spikeOption, Clock.systemUTC(),
                Duration.ofDays(maxWindowDays), rhythm));
        String base = sim.baseUrl().toString();
        out.println("UCloud simulator listening on " + base);
        out.println();
        out.println("Paste into rules.yml:");
        out.println("ucloud:");
        out.println("  baseUrl: " + base);
        out.println("  publicKey: " + sim.publicKey());
        out.println("  privateKey: " + sim.privateKey().reveal());
        out.println("  projectId: \"\"");
        out.println("or, for a rules.yml that reads them from the environment, as the example does:");
        out.println("export UCLOUD_BASE_URL=" + base + " UCLOUD_PUBLIC_KEY=" + sim.publicKey() + " UCLOUD_PRIVATE_KEY="
                + sim.privateKey().reveal());
        out.println();
        out.println("Keys:   " + (syntheticKeys == null ? String.join(", ", keys)
                : served.get(0) + " .. " + served.get(served.size() - 1) + " (" + served.size() + ")"));
        out.println("Models: " + String.join(", ", models));
        out.println("Rhythm: " + rhythm.name().toLowerCase(Locale.ROOT));
        spikeOption.ifPresent(s -> out.println("Spike:  x" + trim(s.factor()) + " on " + s.target() + " for "
                + s.start().map(t -> spikeHours + " hours from " + t).orElse("the last " + spikeHours + " hours")));
        out.println("Stats:  curl '" + base + "_sim/stats'");
        out.println("Faults: curl -X POST '" + base + "_sim/faults?kind=http500&count=2'");
        out.println("        kinds: " + Fault.Kind.names() + " (slow takes &delayMs=)");
        out.println("New key: curl -X POST '" + base + "_sim/keys?id=uminferapikey-new&models=" + models.get(0) + "'");
        out.println("        (&status=0 disables a key, &expireTime=UNIX_SECONDS expires it)");
        out.println("Ctrl-C stops it.");
        out.flush();
        return sim;
    }

    private static String trim(double factor) {
        return factor == Math.rint(factor) ? Long.toString((long) factor) : Double.toString(factor);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return Stream.concat(a.stream(), b.stream()).toList();
    }
}

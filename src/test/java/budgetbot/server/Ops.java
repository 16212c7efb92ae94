package budgetbot.server;

import budgetbot.app.App;
import budgetbot.app.Checker;
import budgetbot.config.BotConfig;
import budgetbot.config.ConfigLoader;
import budgetbot.config.ServerConfig;
import budgetbot.notify.Message;
import budgetbot.notify.DeliveryException;
import budgetbot.notify.Notifier;
import budgetbot.observe.Telemetry;
import budgetbot.simulator.Simulator;
import budgetbot.simulator.SimulatorOptions;
import budgetbot.testing.Http;
import budgetbot.testing.MutableClock;
import budgetbot.time.Window;
import budgetbot.ucloud.UCloudClient;
import budgetbot.usage.Series;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A bot as {@code run} serves it, without the scheduler: the simulator as UCloud, H2 in a folder, a channel that
 * records what it is sent, and the operator's server on a free loopback port. Tests run checks by hand.
 */
final class Ops implements AutoCloseable {
    static final Instant AT = Instant.parse("2026-11-20T07:00:00Z");
    static final String PROD = "uminferapikey-prod";
    static final String EVIL = "<script>alert(1)</script>";
    static final String MODEL = "Qwen/Qwen3-32B";
    /** The share of its daily budget the production key has used at {@link #AT}. */
    static final double PROD_SHARE = 0.62;

    final Simulator sim;
    final MutableClock clock = new MutableClock(AT);
    final Telemetry telemetry = Telemetry.create();
    final AtomicBoolean reloading = new AtomicBoolean(false);
    final AtomicBoolean schedulerRunning = new AtomicBoolean(true);
    final List<Message> sent = new CopyOnWriteArrayList<>();
    /** Whether channel ops takes what it is sent; when not, each attempt fails as a channel that is down does. */
    final AtomicBoolean delivering = new AtomicBoolean(true);
    final App app;
    final OpsServer server;

    Ops(Path dir) throws IOException {
        this(dir, "[" + PROD + ", \"" + EVIL + "\"]");
    }

    /** With the rule's {@code keys} as given (YAML). */
    Ops(Path dir, String keys) throws IOException {
        this(dir, keys, "");
    }

    /** With the rule's {@code keys} as given, and more fields of {@code server:} (YAML, after a comma). */
    Ops(Path dir, String keys, String serverFields) throws IOException {
        this(dir, keys, "127.0.0.1", serverFields);
    }

    /** As {@link #Ops(Path, String, String)}, listening on {@code host}. */
    Ops(Path dir, String keys, String host, String serverFields) throws IOException {
        this(dir, keys, host, serverFields, "");
    }

    /** As {@link #Ops(Path, String, String, String)}, with more fields of the rule (YAML lines, 4 spaces in). */
    Ops(Path dir, String keys, String host, String serverFields, String ruleFields) throws IOException {
        Files.createDirectories(dir);
        sim = Simulator.start(SimulatorOptions.defaults(Clock.fixed(AT.plus(Duration.ofDays(1)), ZoneOffset.UTC))
                .withKeys(List.of(PROD, EVIL)).withModels(List.of(MODEL)));
        long prodToday = sim.expected(new Series(PROD, MODEL), new Window(
                Instant.parse("2026-11-19T16:00:00Z"), AT)).totalTokens();
        Path file = Files.writeString(dir.resolve("rules.yml"), """
                timezone: Asia/Shanghai
                ucloud: { baseUrl: "%s", publicKey: "%s", privateKey: "%s", maxRetries: 0, timeout: 5s }
                state: { url: "jdbc:h2:file:%s" }
                channels: { ops: { type: console } }
                server: { listen: "%s:0"%s }
                rules:
                  - name: prod-daily
                    keys: %s
                    models: [%s]
                    groupBy: key
                    budgets: [{ metric: tokens, period: day, limit: %d, thresholds: [50%%, 100%%] }]
                    notify: [ops]
                    staleAfter: 30m
                %s""".formatted(sim.baseUrl(), sim.publicKey(), sim.privateKey().reveal(),
                dir.resolve("state").resolve("db").toAbsolutePath(), host, serverFields, keys, MODEL,
                Math.round(prodToday / PROD_SHARE), ruleFields));
        BotConfig cfg = ConfigLoader.load(file, Map.of());
        Notifier recording = m -> {
            if (!delivering.get()) {
                throw DeliveryException.retryable("ops answered HTTP 503", null);
            }
            sent.add(m);
        };
        UCloudClient ucloud = UCloudClient.create(cfg.ucloud(), cfg.calendar().zone());
        app = App.open(cfg, ucloud, ucloud, Map.of("ops", recording), clock, telemetry);
        ServerConfig listen = cfg.server().orElseThrow();
        server = OpsServer.start(listen, () -> app, schedulerRunning::get, reloading::get);
    }

    /** Checks every rule as of the clock and delivers, as a fire of each rule's job does. */
    List<Checker.Outcome> cycle() {
        List<Checker.Outcome> outcomes = new Checker(app).check(clock.instant(), Optional.empty(), false);
        app.dispatcher().drain();
        return outcomes;
    }

    String url(String path) {
        return "http://" + server.address() + path;
    }

    HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(URI.create(url(path))).GET().build());
    }

    HttpResponse<String> send(HttpRequest request) {
        return Http.send(request);
    }

    @Override
    public void close() {
        server.close();
        app.close();
        sim.close();
        telemetry.close();
    }
}

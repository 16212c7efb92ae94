package budgetbot.server;

import budgetbot.app.App;
import budgetbot.config.ServerConfig;
import budgetbot.interact.SlackInteractions;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The operator's HTTP endpoint of {@code run} on the JDK's own server: {@code GET /healthz}, {@code GET /metrics}
 * (Prometheus text) and the status page at {@code /}. Each request reads the app of the configuration running at
 * that moment, so a reload is seen at once. With {@code server.users}, the status page and {@code /metrics} need a
 * basic-auth login ({@link Login}) and {@code /healthz} tells a caller without one only the overall status; with
 * {@code server.tls}, it speaks HTTPS ({@link PemTls}). Slack's clicks on the buttons of alerts come to
 * {@code POST /slack/interactions} ({@link SlackInteractions}), signed instead of logged in. Every answer carries
 * headers that keep a browser from running, sniffing, caching or referring anything.
 */
public final class OpsServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OpsServer.class);
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    /** No GET takes a body of more than this (none takes one at all). */
    private static final long MAX_REQUEST_BODY = 256 * 1024;
    /** A click's payload holds the clicked message, which Slack allows to be large, form-encoded. */
    private static final long MAX_CLICK_BODY = 2 * 1024 * 1024;

    private final HttpServer server;
    private final ExecutorService executor;
    private final ExecutorService probes;
    private final SlackInteractions interactions;

    private OpsServer(HttpServer server, ExecutorService executor, ExecutorService probes,
                      SlackInteractions interactions) {
        this.server = server;
        this.executor = executor;
        this.probes = probes;
        this.interactions = interactions;
    }

    /**
     * Binds {@code cfg}'s address and serves until closed.
     *
     * @param app              the app of the configuration running now; read without waiting, also during a reload
     * @param schedulerRunning whether the scheduler fires its triggers
     * @param reloading        whether a changed configuration is being applied now
     * @throws UncheckedIOException when the address cannot be bound
     */
    public static OpsServer start(ServerConfig cfg, Supplier<App> app, BooleanSupplier schedulerRunning,
                                  BooleanSupplier reloading) {
        Objects.requireNonNull(app, "app");
        ExecutorService executor = Executors.newFixedThreadPool(2, daemons("ops-http-"));
        // probes of the database get threads of their own: a request must not wait for its own probe's thread
        ExecutorService probes = Executors.newCachedThreadPool(daemons("ops-probe-"));
        HttpServer server;
        try {
            InetSocketAddress address = new InetSocketAddress(cfg.host(), cfg.port());
            if (cfg.tls().isPresent()) {
                HttpsServer https = HttpsServer.create(address, 16);
                https.setHttpsConfigurator(new HttpsConfigurator(PemTls.context(cfg.tls().get())));
                server = https;
            } else {
                server = HttpServer.create(address, 16);
            }
        } catch (IOException | RuntimeException e) {
            executor.shutdownNow();
            probes.shutdownNow();
            throw new UncheckedIOException("cannot listen on " + cfg.listen() + " (server.listen): " + e.getMessage(),
                    e instanceof IOException io ? io : new IOException(e));
        }
        Health health = new Health(schedulerRunning, reloading, probes);
        Login login = new Login(cfg.users(), app.get().clock());
        server.createContext("/healthz", exchange -> serve(exchange, () -> {
            App current = app.get();
            Health.Report report = health.check(current);
            // without a login, whoever asks learns whether the bot is well, not what it watches
            boolean full = !login.required()
                    || login.check(exchange, current.telemetry().registry()) == Login.Outcome.OK;
            return new Response(report.healthy() ? 200 : 503, "application/json",
                    full ? report.json() : report.statusJson());
        }));
        server.createContext("/metrics", exchange -> serve(exchange, () -> loggedIn(exchange, login, app.get(),
                current -> new Response(200, PROMETHEUS_TEXT, current.telemetry().scrape(current.config().rules(),
                        current.outbox().backlog(), current.actions().countByStatus(), current.clock().instant())))));
        server.createContext("/", exchange -> serve(exchange, () -> {
            if (!exchange.getRequestURI().getPath().equals("/")) {
                return new Response(404, "text/plain; charset=utf-8", "not found: try /, /healthz or /metrics\n");
            }
            return loggedIn(exchange, login, app.get(), current -> new Response(200, "text/html; charset=utf-8",
                    StatusPage.render(current, health.check(current))));
        }));
        // Slack cannot log in: a click proves itself with its signature instead
        SlackInteractions interactions = new SlackInteractions(app);
        server.createContext(SlackInteractions.PATH, exchange -> serve(exchange, "POST", MAX_CLICK_BODY, body -> {
            SlackInteractions.Answer a = interactions.handle(exchange.getRequestHeaders()::getFirst, body);
            return new Response(a.status(), "text/plain; charset=utf-8", a.body());
        }));
        server.setExecutor(executor);
        server.start();
        log.info("serving /healthz, /metrics and the status page on {}://{}/{}", cfg.tls().isPresent() ? "https"
                : "http", address(server), login.required() ? " (the page and /metrics behind a login)" : "");
        return new OpsServer(server, executor, probes, interactions);
    }

    private static ThreadFactory daemons(String prefix) {
        AtomicInteger threads = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** The bound address, {@code host:port}; the port is the real one when the config asked for 0. */
    public String address() {
        return address(server);
    }

    private static String address(HttpServer server) {
        InetSocketAddress a = server.getAddress();
        String host = a.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    /** Stops listening; a request in flight gets a second to finish. */
    @Override
    public void close() {
        server.stop(1);
        executor.shutdownNow();
        probes.shutdownNow();
        interactions.close();
    }

    private record Response(int status, String contentType, String body) {
    }

    /** {@code page} for a logged-in user, or when no login is configured; 401 asking for one otherwise. */
    private static Response loggedIn(HttpExchange exchange, Login login, App app, Function<App, Response> page) {
        if (login.required() && login.check(exchange, app.telemetry().registry()) != Login.Outcome.OK) {
            exchange.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"budgetbot\", charset=\"UTF-8\"");
            return new Response(401, "text/plain; charset=utf-8", "log in: a user of server.users\n");
        }
        return page.apply(app);
    }

    @FunctionalInterface
    private interface Handler {
        Response handle();
    }

    @FunctionalInterface
    private interface BodyHandler {
        Response handle(byte[] body);
    }

    /** A GET (or HEAD) route. */
    private static void serve(HttpExchange exchange, Handler handler) throws IOException {
        serve(exchange, "GET", MAX_REQUEST_BODY, body -> handler.handle());
    }

    /**
     * A route of one method ({@code GET} also answers HEAD), whose body is read up to {@code maxBody} bytes (so that
     * the client gets the answer, not a reset).
     */
    private static void serve(HttpExchange exchange, String accepted, long maxBody, BodyHandler handler)
            throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            boolean get = accepted.equals("GET");
            Response response;
            byte[] sent = exchange.getRequestBody().readNBytes((int) maxBody + 1);
            if (sent.length > maxBody) {
                response = new Response(413, "text/plain; charset=utf-8", "request body too large\n");
            } else if (!method.equals(accepted) && !(get && method.equals("HEAD"))) {
                exchange.getResponseHeaders().set("Allow", get ? "GET, HEAD" : accepted);
                response = new Response(405, "text/plain; charset=utf-8", "only " + accepted + "\n");
            } else {
                try {
                    response = handler.handle(sent);
                } catch (RuntimeException e) {
                    log.warn("{} {} failed: {}", method, exchange.getRequestURI().getPath(), e.toString(), e);
                    response = new Response(500, "text/plain; charset=utf-8", "error: " + e.getMessage() + "\n");
                }
            }
            byte[] body = response.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", response.contentType());
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
            exchange.getResponseHeaders().set("Referrer-Policy", "no-referrer");
            // nothing on any page runs or loads: a name that slipped past escaping still could not
            exchange.getResponseHeaders().set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline';"
                    + " frame-ancestors 'none'; form-action 'none'; base-uri 'none'");
            boolean head = method.equals("HEAD");
            exchange.sendResponseHeaders(response.status(), head ? -1 : body.length);
            if (!head) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        }
    }

}

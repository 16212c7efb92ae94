package budgetbot.interact;

import budgetbot.app.App;
import budgetbot.app.Checker;
import budgetbot.app.Notifiers;
import budgetbot.config.BotConfig;
import budgetbot.config.ConfigLoader;
import budgetbot.observe.Telemetry;
import budgetbot.server.OpsServer;
import budgetbot.simulator.Simulator;
import budgetbot.simulator.SimulatorOptions;
import budgetbot.testing.Http;
import budgetbot.testing.MutableClock;
import budgetbot.time.Window;
import budgetbot.ucloud.UCloudClient;
import budgetbot.usage.Series;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.Counter;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.StreamSupport;

/**
 * A bot as {@code run} serves it, without the scheduler: the simulator as UCloud, a state database, the real Slack
 * transports posting to a {@link LocalSlack}, and the operator's server (with Slack's endpoint) on a free loopback
 * port. Its rule's production key is at 62% of its daily budget, so a check fires the 50% threshold; it reminds
 * hourly. Channel {@code team} is a bot with buttons for Alice and Bob, {@code plain} a bot without a signing
 * secret, {@code hook} an incoming webhook.
 */
final class ClickBot implements AutoCloseable {
    static final Instant AT = Instant.parse("2026-11-20T07:00:00Z");
    static final String SECRET = "test-signing-secret";
    static final String ALICE = "U0ALICE01";
    static final String BOB = "U0BOB0001";
    static final String RULE = "prod-daily";
    static final String PROD = "uminferapikey-prod";
    private static final String MODEL = "Qwen/Qwen3-32B";
    private static final ObjectMapper JSON = new ObjectMapper();

    final MutableClock clock = new MutableClock(AT);
    final Telemetry telemetry = Telemetry.create();
    final App app;
    final OpsServer server;
    final Simulator sim;

    /** @param stateUrl the state database's JDBC URL; a folder's H2 file when null */
    ClickBot(Path dir, LocalSlack slack, String stateUrl) throws IOException {
        this(dir, slack, stateUrl, "");
    }

    /**
     * @param stateUrl the state database's JDBC URL; a folder's H2 file when null
     * @param budget   more of the budget's fields, in YAML's flow style ({@code , action: {...}}), or ""
     */
    ClickBot(Path dir, LocalSlack slack, String stateUrl, String budget) throws IOException {
        Files.createDirectories(dir);
        sim = Simulator.start(SimulatorOptions.defaults(Clock.fixed(AT.plus(Duration.ofDays(1)), ZoneOffset.UTC))
                .withKeys(List.of(PROD)).withModels(List.of(MODEL)));
        long prodToday = sim.expected(new Series(PROD, MODEL), new Window(
                Instant.parse("2026-11-19T16:00:00Z"), AT)).totalTokens();
        String state = stateUrl != null ? stateUrl : "jdbc:h2:file:" + dir.resolve("state/db").toAbsolutePath();
        Path file = Files.writeString(dir.resolve("rules.yml"), """
                timezone: Asia/Shanghai
                ucloud: { baseUrl: "%s", publicKey: "%s", privateKey: "%s", maxRetries: 0, timeout: 5s }
                state: { url: "%s" }
                channels:
                  team:
                    type: slack
                    token: "${SLACK_BOT_TOKEN}"
                    channel: "#llm-spend"
                    apiUrl: "%s"
                    signingSecret: "${SLACK_SIGNING_SECRET}"
                    allowedUsers: [%s, %s]
                  plain: { type: slack, token: "${SLACK_BOT_TOKEN}", channel: "#plain", apiUrl: "%s" }
                  hook: { type: slack, webhookUrl: "%s" }
                server: { listen: "127.0.0.1:0", publicUrl: "https://budgetbot.example.com" }
                rules:
                  - name: %s
                    keys: [%s]
                    models: [%s]
                    groupBy: key
                    budgets: [{ metric: tokens, period: day, limit: %d, thresholds: [50%%, 100%%]%s }]
                    notify: [team, plain, hook]
                    repeat: 1h
                """.formatted(sim.baseUrl(), sim.publicKey(), sim.privateKey().reveal(), state,
                slack.url("/api/"), ALICE, BOB, slack.url("/api/"), slack.url(LocalSlack.HOOK), RULE, PROD, MODEL,
                Math.round(prodToday / 0.62), budget));
        BotConfig cfg = ConfigLoader.load(file, Map.of("SLACK_BOT_TOKEN", "test-bot-token",
                "SLACK_SIGNING_SECRET", SECRET));
        UCloudClient ucloud = UCloudClient.create(cfg.ucloud(), cfg.calendar().zone());
        app = App.open(cfg, ucloud, ucloud, Notifiers.create(cfg.channels(), cfg.publicUrl(), clock, System.out),
                clock, telemetry);
        server = OpsServer.start(cfg.server().orElseThrow(), () -> app, () -> true, () -> false);
    }

    /** Checks every rule as of the clock and delivers, as a fire of each rule's job does. */
    List<Checker.Outcome> cycle() {
        List<Checker.Outcome> outcomes = new Checker(app).check(clock.instant(), Optional.empty(), false);
        app.dispatcher().drain();
        return outcomes;
    }

    /** A click as Slack sends it, on a button of {@code posted} (a bot's {@code chat.postMessage}). */
    static String payload(LocalSlack.Post posted, String actionId, String userId, String userName,
                          String responseUrl, String actionTs) {
        JsonNode blocks = LocalSlack.json(posted.form().get("blocks"));
        JsonNode actions = StreamSupport.stream(blocks.spliterator(), false)
                .filter(b -> b.path("type").asText().equals("actions")).findFirst()
                .orElseThrow(() -> new AssertionError("the message has no buttons: " + blocks));
        JsonNode button = StreamSupport.stream(actions.path("elements").spliterator(), false)
                .filter(b -> b.path("action_id").asText().equals(actionId)).findFirst()
                .orElseThrow(() -> new AssertionError("no button " + actionId + " in " + actions));
        ObjectNode p = JSON.createObjectNode().put("type", "block_actions").put("api_app_id", "A0BUDGET")
                .put("trigger_id", "1764900000.1234." + actionTs).put("response_url", responseUrl);
        p.putObject("team").put("id", "T0TEAM").put("domain", "example");
        p.putObject("user").put("id", userId).put("username", userName).put("name", userName)
                .put("team_id", "T0TEAM");
        p.putObject("channel").put("id", "C0LLM").put("name", "llm-spend");
        p.putObject("container").put("type", "message").put("message_ts", "1764900000.000100")
                .put("channel_id", "C0LLM");
        ObjectNode message = p.putObject("message").put("type", "message").put("ts", "1764900000.000100")
                .put("text", posted.form().get("text"));
        message.set("blocks", blocks);
        ObjectNode clicked = p.putArray("actions").addObject().put("type", "button")
                .put("action_id", actionId).put("block_id", actions.path("block_id").asText())
                .put("value", button.path("value").asText()).put("action_ts", actionTs);
        clicked.set("text", button.path("text"));
        return "payload=" + URLEncoder.encode(p.toString(), StandardCharsets.UTF_8);
    }

    /** {@code v0=} + hex HmacSHA256(secret, "v0:" + timestamp + ":" + body), as Slack signs. */
    static String sign(String secret, long timestamp, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return "v0=" + HexFormat.of().formatHex(mac.doFinal(("v0:" + timestamp + ":" + body)
                    .getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Posts {@code body} to {@code /slack/interactions} as signed with {@code secret} at {@code timestamp}. */
    HttpResponse<String> click(String body, String secret, Instant timestamp) {
        long ts = timestamp.getEpochSecond();
        return post(body, Map.of("X-Slack-Request-Timestamp", String.valueOf(ts),
                "X-Slack-Signature", sign(secret, ts, body)));
    }

    /** A click signed now with the channel's secret, as Slack sends it. */
    HttpResponse<String> click(String body) {
        return click(body, SECRET, clock.instant());
    }

    HttpResponse<String> post(String body, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url(SlackInteractions.PATH)))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        return Http.send(request.build());
    }

    HttpResponse<String> get(String path) {
        return Http.send(HttpRequest.newBuilder(URI.create(url(path))).GET().build());
    }

    String url(String path) {
        return "http://" + server.address() + path;
    }

    /** The parameters of every UpdateUMInferAPIKey UCloud got, oldest first. */
    List<Map<String, String>> keyUpdates() {
        return sim.requests().stream().filter(r -> "UpdateUMInferAPIKey".equals(r.get("Action"))).toList();
    }

    /** How many clicks ended with {@code outcome} ({@code budgetbot_slack_clicks_total}). */
    double clicks(String outcome) {
        Counter c = telemetry.registry().find("budgetbot.slack.clicks").tag("outcome", outcome).counter();
        return c == null ? 0 : c.count();
    }

    @Override
    public void close() {
        server.close();
        app.close();
        sim.close();
        telemetry.close();
    }
}

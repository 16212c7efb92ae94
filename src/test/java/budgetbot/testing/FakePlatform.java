package budgetbot.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.HttpUrl;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * A chat or incident platform on MockWebServer that checks each request as the platform documents it: the token
 * in the URL, the signature (Feishu in the body, DingTalk in the query, the webhook in headers) within an hour of
 * its clock, the body's form and size limit, and the rate limit, answering as the platform would (HTTP 200 with
 * an error code for the chats). A test can script answers ahead of that (a fault) and reads what was accepted.
 */
public final class FakePlatform extends Dispatcher implements AutoCloseable {
    public enum Kind { FEISHU, DINGTALK, WECOM, WEBHOOK, PAGERDUTY }

    /** The token each platform's URL carries; a failing send's text must never show it. */
    public static final String TOKEN = "tok-8f3a91c2d7e4b6a5";
    public static final String ROUTING_KEY = "R0UT1NGKEY0f3c9a8b7d6e5f4a3b2c1d";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration SIGNATURE_WINDOW = Duration.ofHours(1);

    /** One request as it came, and whether the platform accepted it. */
    public record Received(HttpUrl url, okhttp3.Headers headers, String body, boolean accepted) {
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private final Kind kind;
    private final Optional<String> secret;
    private final Clock clock;
    private final MockWebServer server = new MockWebServer();
    private final Deque<MockResponse> script = new ArrayDeque<>();
    private final List<Received> received = new ArrayList<>();
    private final List<Instant> accepted = new ArrayList<>();

    private FakePlatform(Kind kind, Optional<String> secret, Clock clock) {
        this.kind = kind;
        this.secret = secret;
        this.clock = clock;
        server.setDispatcher(this);
    }

    /** @param clock the platform's clock: signatures must be within an hour of it, rate limits count by it */
    public static FakePlatform start(Kind kind, Optional<String> secret, Clock clock) {
        FakePlatform p = new FakePlatform(kind, secret, clock);
        try {
            p.server.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    /** The URL a channel is configured with (the webhookUrl, or PagerDuty's events endpoint). */
    public String url() {
        return server.url(switch (kind) {
            case FEISHU -> "/open-apis/bot/v2/hook/" + TOKEN;
            case DINGTALK -> "/robot/send?access_token=" + TOKEN;
            case WECOM -> "/cgi-bin/webhook/send?key=" + TOKEN;
            case WEBHOOK -> "/hooks/budget/" + TOKEN;
            case PAGERDUTY -> "/v2/enqueue";
        }).toString();
    }

    /** Answers the next requests with these, in order, before checking anything; then as the platform would. */
    public synchronized FakePlatform script(MockResponse... answers) {
        script.addAll(List.of(answers));
        return this;
    }

    public synchronized List<Received> received() {
        return List.copyOf(received);
    }

    public synchronized List<Received> delivered() {
        return received.stream().filter(Received::accepted).toList();
    }

    public static MockResponse json(int status, String body) {
        return new MockResponse.Builder().code(status).addHeader("Content-Type", "application/json").body(body)
                .build();
    }

    @Override
    public synchronized MockResponse dispatch(RecordedRequest request) {
        String body = request.getBody() == null ? "" : request.getBody().utf8();
        if (!script.isEmpty()) {
            received.add(new Received(request.getUrl(), request.getHeaders(), body, false));
            return script.poll();
        }
        Optional<MockResponse> refused = check(request, body);
        received.add(new Received(request.getUrl(), request.getHeaders(), body, refused.isEmpty()));
        if (refused.isPresent()) {
            return refused.get();
        }
        accepted.add(clock.instant());
        return switch (kind) {
            case FEISHU -> json(200, "{\"code\":0,\"data\":{},\"msg\":\"success\"}");
            case DINGTALK, WECOM -> json(200, "{\"errcode\":0,\"errmsg\":\"ok\"}");
            case WEBHOOK -> new MockResponse.Builder().code(200).build();
            case PAGERDUTY -> json(202, "{\"status\":\"success\",\"message\":\"Event processed\",\"dedup_key\":\""
                    + jsonOf(body).path("dedup_key").asText() + "\"}");
        };
    }

    private Optional<MockResponse> check(RecordedRequest r, String body) {
        JsonNode json = jsonOf(body);
        return switch (kind) {
            case FEISHU -> feishu(r, json, body);
            case DINGTALK -> dingtalk(r, json);
            case WECOM -> wecom(r, json);
            case WEBHOOK -> webhook(r, body, json);
            case PAGERDUTY -> pagerduty(json);
        };
    }

    private Optional<MockResponse> feishu(RecordedRequest r, JsonNode json, String body) {
        if (!r.getUrl().encodedPath().endsWith("/" + TOKEN)) {
            return Optional.of(code("code", 19001, "param invalid: incoming webhook access token invalid"));
        }
        if (secret.isPresent()) {
            String ts = json.path("timestamp").asText("");
            String expected = base64(hmac(ts + "\n" + secret.get(), ""));
            if (!fresh(ts, 1) || !expected.equals(json.path("sign").asText())) {
                return Optional.of(code("code", 19021, "sign match fail or timestamp is not within one hour from"
                        + " current time"));
            }
        }
        if (body.getBytes(StandardCharsets.UTF_8).length > 20_000 || !"interactive".equals(json.path("msg_type")
                .asText()) || !json.path("card").path("header").path("title").path("content").isTextual()) {
            return Optional.of(code("code", 9499, "Bad Request"));
        }
        return overLimit(List.of(Duration.ofSeconds(1), Duration.ofMinutes(1)), List.of(5, 100))
                ? Optional.of(code("code", 11232, "frequency limited psm")) : Optional.empty();
    }

    private Optional<MockResponse> dingtalk(RecordedRequest r, JsonNode json) {
        HttpUrl url = r.getUrl();
        if (!TOKEN.equals(url.queryParameter("access_token"))) {
            return Optional.of(code("errcode", 300001, "token is not exist"));
        }
        if (secret.isPresent()) {
            String ts = Optional.ofNullable(url.queryParameter("timestamp")).orElse("");
            // the sign arrives URL-encoded; decoded once it is Base64
            String sign = Optional.ofNullable(r.getTarget()).map(t -> param(t, "sign")).orElse("");
            String expected = base64(hmac(secret.get(), ts + "\n" + secret.get()));
            if (!fresh(ts, 1000) || !expected.equals(URLDecoder.decode(sign, StandardCharsets.UTF_8))) {
                return Optional.of(code("errcode", 310000, "sign not match"));
            }
        }
        if (!"markdown".equals(json.path("msgtype").asText()) || !json.path("markdown").path("title").isTextual()
                || !json.path("markdown").path("text").isTextual()) {
            return Optional.of(code("errcode", 400105, "msgtype or content invalid"));
        }
        return overLimit(List.of(Duration.ofMinutes(1)), List.of(20))
                ? Optional.of(code("errcode", 130101, "send too fast, exceed 20 times per minute"))
                : Optional.empty();
    }

    private Optional<MockResponse> wecom(RecordedRequest r, JsonNode json) {
        if (!TOKEN.equals(r.getUrl().queryParameter("key"))) {
            return Optional.of(code("errcode", 93000, "invalid webhook url"));
        }
        String type = json.path("msgtype").asText();
        String content = json.path(type).path("content").asText("");
        int max = "markdown".equals(type) ? 4096 : 2048;
        if (!List.of("markdown", "text").contains(type) || content.isEmpty()) {
            return Optional.of(code("errcode", 40008, "invalid message type"));
        }
        if (content.getBytes(StandardCharsets.UTF_8).length > max) {
            return Optional.of(code("errcode", 40058, "markdown.content exceed max length " + max));
        }
        return overLimit(List.of(Duration.ofMinutes(1)), List.of(20))
                ? Optional.of(code("errcode", 45009, "api freq out of limit")) : Optional.empty();
    }

    private Optional<MockResponse> webhook(RecordedRequest r, String body, JsonNode json) {
        if (secret.isPresent()) {
            String ts = Optional.ofNullable(r.getHeaders().get("X-Budgetbot-Timestamp")).orElse("");
            String expected = "sha256=" + HexFormat.of().formatHex(hmac(secret.get(), ts + "." + body));
            if (!fresh(ts, 1) || !expected.equals(r.getHeaders().get("X-Budgetbot-Signature"))) {
                return Optional.of(json(401, "{\"error\":\"bad signature\"}"));
            }
        }
        boolean v4 = "4".equals(json.path("version").asText()) && json.path("alerts").isArray()
                && json.path("groupKey").isTextual() && json.path("commonLabels").isObject();
        return v4 ? Optional.empty() : Optional.of(json(400, "{\"error\":\"not an Alertmanager v4 body\"}"));
    }

    private Optional<MockResponse> pagerduty(JsonNode json) {
        List<String> errors = new ArrayList<>();
        if (!ROUTING_KEY.equals(json.path("routing_key").asText())) {
            errors.add("Invalid routing key");
        }
        String action = json.path("event_action").asText();
        String dedup = json.path("dedup_key").asText("");
        if (!List.of("trigger", "resolve", "acknowledge").contains(action)) {
            errors.add("'event_action' is invalid");
        }
        if (dedup.isEmpty() || dedup.length() > 255) {
            errors.add("'dedup_key' must be 1 to 255 characters");
        }
        if (action.equals("trigger")) {
            JsonNode p = json.path("payload");
            if (p.path("summary").asText("").isEmpty() || p.path("summary").asText().length() > 1024
                    || p.path("source").asText("").isEmpty()
                    || !List.of("critical", "error", "warning", "info").contains(p.path("severity").asText())) {
                errors.add("'payload' is invalid");
            }
        }
        return errors.isEmpty() ? Optional.empty() : Optional.of(json(400, "{\"status\":\"invalid event\","
                + "\"message\":\"Event object is invalid\",\"errors\":" + jsonText(errors) + "}"));
    }

    /** Whether one more message now would exceed any of the limits (messages per span). */
    private boolean overLimit(List<Duration> spans, List<Integer> limits) {
        Instant now = clock.instant();
        for (int i = 0; i < spans.size(); i++) {
            Instant since = now.minus(spans.get(i));
            long inSpan = accepted.stream().filter(t -> t.isAfter(since)).count();
            if (inSpan >= limits.get(i)) {
                return true;
            }
        }
        return false;
    }

    private boolean fresh(String timestamp, long perSecond) {
        try {
            Instant t = Instant.ofEpochMilli(Long.parseLong(timestamp) * (1000 / perSecond));
            return Duration.between(t, clock.instant()).abs().compareTo(SIGNATURE_WINDOW) <= 0;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static String param(String target, String name) {
        int q = target.indexOf('?');
        for (String pair : q < 0 ? new String[0] : target.substring(q + 1).split("&")) {
            if (pair.startsWith(name + "=")) {
                return pair.substring(name.length() + 1);
            }
        }
        return "";
    }

    private static MockResponse code(String field, int code, String message) {
        String msgField = field.equals("code") ? "msg" : "errmsg";
        return json(200, "{\"" + field + "\":" + code + ",\"" + msgField + "\":\"" + message + "\"}");
    }

    private static JsonNode jsonOf(String body) {
        try {
            return body.isEmpty() ? JSON.createObjectNode() : JSON.readTree(body);
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }

    private static String jsonText(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] hmac(String key, String message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    @Override
    public void close() {
        server.close();
    }
}

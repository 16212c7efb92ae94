package budgetbot.notify;

import budgetbot.config.ChannelConfig;
import budgetbot.config.Secret;
import budgetbot.notify.dingtalk.DingTalkNotifier;
import budgetbot.notify.feishu.FeishuNotifier;
import budgetbot.notify.pagerduty.PagerDutyNotifier;
import budgetbot.notify.webhook.WebhookNotifier;
import budgetbot.notify.wecom.WeComNotifier;
import budgetbot.state.AlertStatus;
import budgetbot.testing.ChatMessages;
import budgetbot.testing.FakePlatform;
import budgetbot.testing.FakePlatform.Kind;
import com.fasterxml.jackson.databind.JsonNode;
import mockwebserver3.MockResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static budgetbot.testing.FakePlatform.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

/**
 * Feishu, DingTalk, WeCom, the webhook and PagerDuty, each against a local server that checks the request as the
 * platform documents it (token, signature, form, size, rate limit) and answers as the platform would: what arrives,
 * and how each failure is classified (retryable or not, when to retry), without the token or secret in its text.
 */
class ChatTransportsTest {
    private static final Clock CLOCK = Clock.fixed(ChatMessages.FIRED, ZoneOffset.UTC);
    private static final String FEISHU_SECRET = "fs-Secret-9c1d";
    private static final String DINGTALK_SECRET = "SECd1e2f3a4b5c6d7e8f9";
    private static final String HOOK_SECRET = "hook-Secret-77aa";
    /** What a platform may take before a send fails; the slow answer below takes longer. */
    private static final Duration TIMEOUT = Duration.ofMillis(500);
    private static final MockResponse SLOW = new MockResponse.Builder().code(200)
            .headersDelay(2, java.util.concurrent.TimeUnit.SECONDS).build();
    private static final Optional<URI> STATUS = Optional.of(URI.create("https://budgetbot.example.com/"));

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    /** The secret each platform signs with here; WeCom and PagerDuty have none. */
    private static Optional<String> secret(Kind kind) {
        return switch (kind) {
            case FEISHU -> Optional.of(FEISHU_SECRET);
            case DINGTALK -> Optional.of(DINGTALK_SECRET);
            case WEBHOOK -> Optional.of(HOOK_SECRET);
            case WECOM, PAGERDUTY -> Optional.empty();
        };
    }

    private FakePlatform platform(Kind kind) {
        FakePlatform p = FakePlatform.start(kind, secret(kind), CLOCK);
        open.add(p);
        return p;
    }

    private Notifier notifier(Kind kind, FakePlatform p, Optional<String> secret) {
        // a loaded machine may take seconds to answer: only the timeout test gives it less
        return notifier(kind, p, secret, JsonPost.TIMEOUT);
    }

    private Notifier notifier(Kind kind, FakePlatform p, Optional<String> secret, Duration timeout) {
        Secret url = new Secret(p.url());
        Optional<Secret> s = secret.map(Secret::new);
        Notifier n = switch (kind) {
            case FEISHU -> FeishuNotifier.create(new ChannelConfig.Feishu("飞书群", url, s), STATUS, CLOCK, timeout);
            case DINGTALK -> DingTalkNotifier.create(new ChannelConfig.DingTalk("钉钉群", url, s,
                    List.of("13800000000"), false), STATUS, CLOCK, timeout);
            case WECOM -> WeComNotifier.create(new ChannelConfig.WeCom("企业微信群", url, List.of()), STATUS, timeout);
            case WEBHOOK -> WebhookNotifier.create(new ChannelConfig.Webhook("hook", url, s), STATUS, CLOCK, timeout);
            case PAGERDUTY -> PagerDutyNotifier.create(new ChannelConfig.PagerDuty("oncall",
                    new Secret(secret.orElse(FakePlatform.ROUTING_KEY)), URI.create(p.url())), STATUS, timeout);
        };
        open.add(n);
        return n;
    }

    private Notifier notifier(Kind kind, FakePlatform p) {
        return notifier(kind, p, secret(kind));
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aFiringGrowthAlertWithChineseNamesArrivesSignedAndWellFormed(Kind kind) throws Exception {
        FakePlatform p = platform(kind);

        notifier(kind, p).send(ChatMessages.growth(AlertStatus.FIRING));

        assertThat(p.delivered()).hasSize(1);
        String body = p.delivered().get(0).body();
        assertThat(body).contains(ChatMessages.RULE, "+134%");
        JsonNode json = p.delivered().get(0).json();
        switch (kind) {
            case FEISHU -> {
                assertThat(json.at("/card/header/template").asText()).isEqualTo("orange");
                assertThat(json.at("/card/header/title/content").asText())
                        .isEqualTo(ChatMessages.RULE + ": daily tokens up 134% vs the previous period");
                assertThat(body).contains(ChatMessages.KEY + " × deepseek-v3",
                        "https://budgetbot.example.com/");
            }
            case DINGTALK -> {
                assertThat(json.at("/markdown/text").asText()).contains("**Used**: 3,400,000 tokens so far")
                        .endsWith("@13800000000\n");
                assertThat(json.at("/at/atMobiles/0").asText()).isEqualTo("13800000000");
            }
            case WECOM -> assertThat(json.at("/markdown/content").asText()).startsWith("### <font color=\"warning\">"
                    + ChatMessages.RULE);
            case WEBHOOK -> {
                JsonNode alert = json.at("/alerts/0");
                assertThat(json.get("status").asText()).isEqualTo("firing");
                assertThat(json.get("receiver").asText()).isEqualTo("hook");
                assertThat(alert.at("/labels/alertname").asText()).isEqualTo(ChatMessages.RULE);
                assertThat(alert.at("/labels/key").asText()).isEqualTo(ChatMessages.KEY);
                assertThat(alert.at("/labels/severity").asText()).isEqualTo("warning");
                assertThat(alert.get("startsAt").asText()).isEqualTo(ChatMessages.FIRED.toString());
                assertThat(alert.get("endsAt").asText()).isEqualTo("0001-01-01T00:00:00Z");
                assertThat(alert.get("fingerprint").asText()).hasSize(32);
            }
            case PAGERDUTY -> {
                assertThat(json.get("event_action").asText()).isEqualTo("trigger");
                assertThat(json.at("/payload/severity").asText()).isEqualTo("warning");
                assertThat(json.at("/payload/custom_details/Used").asText()).isEqualTo("3,400,000 tokens so far");
            }
        }
    }

    @Test
    void pagerDutyAndTheWebhookResolveWhatTheFiringOpenedByItsKey() throws Exception {
        FakePlatform pd = platform(Kind.PAGERDUTY);
        FakePlatform hook = platform(Kind.WEBHOOK);
        Notifier toPd = notifier(Kind.PAGERDUTY, pd);
        Notifier toHook = notifier(Kind.WEBHOOK, hook);

        for (AlertStatus s : List.of(AlertStatus.FIRING, AlertStatus.RESOLVED)) {
            toPd.send(ChatMessages.growth(s));
            toHook.send(ChatMessages.growth(s));
        }

        assertThat(pd.delivered()).extracting(r -> r.json().get("event_action").asText())
                .containsExactly("trigger", "resolve");
        assertThat(pd.delivered().get(1).json().get("dedup_key").asText())
                .isEqualTo(pd.delivered().get(0).json().get("dedup_key").asText());
        JsonNode resolved = hook.delivered().get(1).json();
        assertThat(resolved.get("status").asText()).isEqualTo("resolved");
        assertThat(resolved.at("/alerts/0/endsAt").asText()).isEqualTo(ChatMessages.RESOLVED.toString());
        assertThat(resolved.at("/alerts/0/fingerprint").asText()).isEqualTo(hook.delivered().get(0).json()
                .at("/alerts/0/fingerprint").asText()).isEqualTo(pd.delivered().get(0).json().get("dedup_key").asText());
    }

    @Test
    void pagerDutyReceivesNoDigest() throws Exception {
        FakePlatform pd = platform(Kind.PAGERDUTY);

        notifier(Kind.PAGERDUTY, pd).send(ChatMessages.digest(2));

        assertThat(pd.received()).isEmpty();
    }

    @Test
    void aDigestOverThirtyRulesWithLongChineseNamesReachesWeComWithin4096Bytes() throws Exception {
        FakePlatform wecom = platform(Kind.WECOM);
        Message digest = ChatMessages.digest(30);
        assertThat(digest.text().getBytes(StandardCharsets.UTF_8).length).as("the digest is far over WeCom's limit")
                .isGreaterThan(3 * 4096);

        notifier(Kind.WECOM, wecom).send(digest);

        String content = wecom.delivered().get(0).json().at("/markdown/content").asText();
        assertThat(content.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(4096);
        assertThat(content).startsWith("### <font color=\"comment\">财务每日汇总 for Thu 26 Nov 2026: ")
                .contains("华东二区生产环境大模型推理服务每日令牌与费用预算监控规则第0号", "**tokens**: This period ")
                .contains("… shortened to fit, ", "more not shown; all of it: https://budgetbot.example.com/");
        assertThat(new String(content.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8))
                .as("cut at a character boundary").isEqualTo(content).doesNotContain("\uFFFD");
    }

    @Test
    void aWrongFeishuSecretIsNamedAsTheSignatureAndNotRetried() {
        FakePlatform feishu = platform(Kind.FEISHU);

        DeliveryException e = catchThrowableOfType(DeliveryException.class,
                () -> notifier(Kind.FEISHU, feishu, Optional.of("not-the-secret")).send(ChatMessages.growth(
                        AlertStatus.FIRING)));

        assertThat(e.retryable()).isFalse();
        assertThat(e.getMessage()).startsWith("Feishu rejected the signature (19021): check secret and clock")
                .doesNotContain("not-the-secret", FakePlatform.TOKEN);
    }

    @Test
    void aBurstToOneDingTalkRobotIsTurnedAwayAfterTwentyAndRetriedAfterAMinute() throws Exception {
        FakePlatform dingtalk = platform(Kind.DINGTALK);
        Notifier robot = notifier(Kind.DINGTALK, dingtalk);
        assertThat(robot.rateLimits()).containsExactly(RateLimit.perMinute(20));

        for (int i = 0; i < 20; i++) {
            robot.send(ChatMessages.growth(AlertStatus.FIRING));
        }
        DeliveryException e = catchThrowableOfType(DeliveryException.class,
                () -> robot.send(ChatMessages.growth(AlertStatus.FIRING)));

        assertThat(dingtalk.delivered()).hasSize(20);
        assertThat(e.retryable()).isTrue();
        assertThat(e.retryAfter()).contains(Duration.ofMinutes(1));
        assertThat(e.getMessage()).contains("130101");
    }

    @Test
    void feishuKeepsFiveASecondAndSaysSo() throws Exception {
        FakePlatform feishu = platform(Kind.FEISHU);
        Notifier bot = notifier(Kind.FEISHU, feishu);
        assertThat(bot.rateLimits()).containsExactly(RateLimit.perSecond(5), RateLimit.perMinute(100));
        assertThat(notifier(Kind.WECOM, platform(Kind.WECOM)).rateLimits()).containsExactly(RateLimit.perMinute(20));

        for (int i = 0; i < 5; i++) {
            bot.send(ChatMessages.growth(AlertStatus.FIRING));
        }
        DeliveryException e = catchThrowableOfType(DeliveryException.class,
                () -> bot.send(ChatMessages.growth(AlertStatus.FIRING)));

        assertThat(e.retryable()).isTrue();
        assertThat(e.getMessage()).contains("11232");
    }

    static Stream<Arguments> faults() {
        MockResponse unavailable = json(503, "{\"error\":\"upstream\"}");
        MockResponse tooMany = new MockResponse.Builder().code(429).addHeader("Retry-After", "7").build();
        return Stream.of(
                argumentSet("feishu 11232 rate limit", Kind.FEISHU, json(200, "{\"code\":11232,\"msg\":\"frequency limited\"}"), true, null, "11232"),
                argumentSet("feishu HTTP 429", Kind.FEISHU, tooMany, true, Duration.ofSeconds(7), "HTTP 429"),
                argumentSet("feishu 19022 IP", Kind.FEISHU, json(200, "{\"code\":19022,\"msg\":\"ip not allowed\"}"), false, null, "IP address (19022)"),
                argumentSet("feishu 19024 keyword", Kind.FEISHU, json(200, "{\"code\":19024,\"msg\":\"Key Words Not Found\"}"), false, null, "keyword (19024)"),
                argumentSet("feishu 9499 bad request", Kind.FEISHU, json(200, "{\"code\":9499,\"msg\":\"Bad Request\"}"), false, null, "malformed (9499)"),
                argumentSet("feishu 503", Kind.FEISHU, unavailable, true, null, "HTTP 503"),
                argumentSet("feishu timeout", Kind.FEISHU, SLOW, true, null, "could not reach the Feishu bot"),
                argumentSet("dingtalk 130101 too fast", Kind.DINGTALK, json(200, "{\"errcode\":130101,\"errmsg\":\"send too fast\"}"), true, Duration.ofMinutes(1), "130101"),
                argumentSet("dingtalk 310000 security", Kind.DINGTALK, json(200, "{\"errcode\":310000,\"errmsg\":\"sign not match\"}"), false, null, "security check (310000)"),
                argumentSet("dingtalk 300001 token", Kind.DINGTALK, json(200, "{\"errcode\":300001,\"errmsg\":\"token is not exist\"}"), false, null, "300001"),
                argumentSet("dingtalk 400102 blocked", Kind.DINGTALK, json(200, "{\"errcode\":400102,\"errmsg\":\"robot stopped\"}"), false, null, "400102"),
                argumentSet("dingtalk 502", Kind.DINGTALK, json(502, ""), true, null, "HTTP 502"),
                argumentSet("dingtalk timeout", Kind.DINGTALK, SLOW, true, null, "could not reach the DingTalk robot"),
                argumentSet("wecom 45009 rate limit", Kind.WECOM, json(200, "{\"errcode\":45009,\"errmsg\":\"api freq out of limit\"}"), true, Duration.ofMinutes(1), "45009"),
                argumentSet("wecom 93000 invalid webhook", Kind.WECOM, json(200, "{\"errcode\":93000,\"errmsg\":\"invalid webhook url\"}"), false, null, "93000"),
                argumentSet("wecom 40058 too long", Kind.WECOM, json(200, "{\"errcode\":40058,\"errmsg\":\"content exceed max length\"}"), false, null, "too long (40058)"),
                argumentSet("wecom 500", Kind.WECOM, json(500, ""), true, null, "HTTP 500"),
                argumentSet("wecom timeout", Kind.WECOM, SLOW, true, null, "could not reach the WeCom robot"),
                argumentSet("webhook 408", Kind.WEBHOOK, json(408, ""), true, null, "HTTP 408"),
                argumentSet("webhook 429", Kind.WEBHOOK, tooMany, true, Duration.ofSeconds(7), "HTTP 429"),
                argumentSet("webhook 503", Kind.WEBHOOK, unavailable, true, null, "HTTP 503"),
                argumentSet("webhook 404", Kind.WEBHOOK, json(404, "{\"error\":\"no such hook\"}"), false, null, "HTTP 404"),
                argumentSet("webhook 401", Kind.WEBHOOK, json(401, ""), false, null, "HTTP 401"),
                argumentSet("webhook timeout", Kind.WEBHOOK, SLOW, true, null, "could not reach the webhook"),
                argumentSet("pagerduty 429", Kind.PAGERDUTY, tooMany, true, Duration.ofSeconds(7), "HTTP 429"),
                argumentSet("pagerduty 500", Kind.PAGERDUTY, json(500, ""), true, null, "HTTP 500"),
                argumentSet("pagerduty 400", Kind.PAGERDUTY, json(400, "{\"status\":\"invalid event\",\"message\":\"Event object is invalid\",\"errors\":[\"Invalid routing key\"]}"), false, null, "Invalid routing key"),
                argumentSet("pagerduty timeout", Kind.PAGERDUTY, SLOW, true, null, "could not reach the PagerDuty service"));
    }

    @ParameterizedTest
    @MethodSource("faults")
    void eachAnswerIsClassifiedAndNamesNoSecret(Kind kind, MockResponse answer, boolean retryable, Duration after,
                                                String named) {
        FakePlatform p = platform(kind);
        p.script(answer);

        DeliveryException e = catchThrowableOfType(DeliveryException.class,
                () -> notifier(kind, p, secret(kind), answer == SLOW ? TIMEOUT : JsonPost.TIMEOUT)
                        .send(ChatMessages.growth(AlertStatus.FIRING)));

        assertThat(e).as("not delivered").isNotNull();
        assertThat(e.retryable()).isEqualTo(retryable);
        assertThat(e.retryAfter()).isEqualTo(Optional.ofNullable(after));
        assertThat(e.getMessage()).contains(named).doesNotContain(FakePlatform.TOKEN, FakePlatform.ROUTING_KEY,
                FEISHU_SECRET, DINGTALK_SECRET, HOOK_SECRET);
        assertThat(String.valueOf(e.getCause())).doesNotContain(FakePlatform.TOKEN);
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aRefusedConnectionIsRetriedAndItsErrorHidesTheToken(Kind kind) {
        FakePlatform p = platform(kind);
        Notifier n = notifier(kind, p);
        p.close();

        DeliveryException e = catchThrowableOfType(DeliveryException.class,
                () -> n.send(ChatMessages.growth(AlertStatus.FIRING)));

        assertThat(e.retryable()).isTrue();
        assertThat(e.getMessage()).doesNotContain(FakePlatform.TOKEN);
        assertThat(String.valueOf(e.getCause())).doesNotContain(FakePlatform.TOKEN);
    }
}

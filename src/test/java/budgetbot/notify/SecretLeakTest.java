package budgetbot.notify;

import budgetbot.config.ChannelConfig;
import budgetbot.config.Secret;
import budgetbot.config.SmtpConfig;
import budgetbot.notify.dingtalk.DingTalkNotifier;
import budgetbot.notify.email.EmailNotifier;
import budgetbot.notify.feishu.FeishuNotifier;
import budgetbot.notify.pagerduty.PagerDutyNotifier;
import budgetbot.notify.slack.SlackBotNotifier;
import budgetbot.notify.slack.SlackWebhookNotifier;
import budgetbot.notify.webhook.WebhookNotifier;
import budgetbot.notify.wecom.WeComNotifier;
import budgetbot.state.AlertStatus;
import budgetbot.testing.CapturedLogs;
import budgetbot.testing.ChatMessages;
import ch.qos.logback.classic.Level;
import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

/** Every notifier, built with secrets and made to fail, keeps them out of exceptions, toString and logs. */
class SecretLeakTest {
    private static final String TOKEN = "test-bot-test-SECRET";
    private static final String HOOK_PATH = "/services/T0/B0/hook-SECRET-path";
    private static final String PASSWORD = "smtp-SECRET-password";
    /** The token in a chat platform's URL, and a signing secret or routing key. */
    private static final String CHAT_TOKEN = "chat-SECRET-token-4f1e";
    private static final String SIGNING = "SEC-signing-SECRET-88";
    private static final Message MESSAGE = new Message("alert", "s", "t", "t", "<p>h</p>", "[]",
            List.of(new Image("c", "c.png", new byte[]{1})), ChatMessages.growth(AlertStatus.FIRING).brief());

    @RegisterExtension
    static final GreenMailExtension MAIL = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort())
            .withConfiguration(GreenMailConfiguration.aConfig().withUser("bot@example.com", "bot", "the-right-one"));

    /** Every line at every level, where a secret must not appear either. */
    @RegisterExtension
    final CapturedLogs logs = CapturedLogs.atLevel(Level.DEBUG);

    private static final MockWebServer SLACK = new MockWebServer();
    private static int closedPort;

    @BeforeAll
    static void startServers() throws IOException {
        // a server that quotes the request back, as some proxies and error pages do
        SLACK.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest r) {
                String echo = r.getRequestLine() + " auth=" + r.getHeaders().get("Authorization") + " body=" + r.getBody().utf8();
                int code = r.getUrl().encodedPath().equals("/api/chat.postMessage") ? 200 : 404;
                String body = code == 200 ? "{\"ok\":false,\"error\":\"invalid_auth " + echo.replace("\"", "'") + "\"}" : echo;
                return new MockResponse.Builder().code(code).addHeader("Content-Type", "application/json").body(body).build();
            }
        });
        SLACK.start();
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
    }

    @AfterAll
    static void stopServers() {
        SLACK.close();
    }


    static Stream<org.junit.jupiter.params.provider.Arguments> failingNotifiers() {
        String closed = "http://127.0.0.1:" + closedPort;
        return Stream.of(
                argumentSet("slack bot, server quotes the token", TOKEN, (Supplier<Notifier>) () ->
                        SlackBotNotifier.create("ops", new Secret(TOKEN), "#ops", SLACK.url("/api/").uri())),
                argumentSet("slack bot, server down", TOKEN, (Supplier<Notifier>) () ->
                        SlackBotNotifier.create("ops", new Secret(TOKEN), "#ops", URI.create(closed + "/api/"))),
                argumentSet("slack webhook, server quotes the URL", HOOK_PATH, (Supplier<Notifier>) () ->
                        SlackWebhookNotifier.create("ops", new Secret(SLACK.url(HOOK_PATH).toString()))),
                argumentSet("slack webhook, server down", HOOK_PATH, (Supplier<Notifier>) () ->
                        SlackWebhookNotifier.create("ops", new Secret(closed + HOOK_PATH))),
                argumentSet("smtp, wrong password", PASSWORD, (Supplier<Notifier>) () ->
                        email(MAIL.getSmtp().getPort(), false)),
                argumentSet("smtp, starttls required", PASSWORD, (Supplier<Notifier>) () ->
                        email(MAIL.getSmtp().getPort(), true)),
                argumentSet("smtp, server down", PASSWORD, (Supplier<Notifier>) () -> email(closedPort, false)),
                chat("feishu", "/open-apis/bot/v2/hook/" + CHAT_TOKEN, url -> FeishuNotifier.create(
                        new ChannelConfig.Feishu("fs", url, Optional.of(new Secret(SIGNING))), Optional.empty(),
                        Clock.systemUTC(), JsonPost.TIMEOUT)),
                chat("dingtalk", "/robot/send?access_token=" + CHAT_TOKEN, url -> DingTalkNotifier.create(
                        new ChannelConfig.DingTalk("dt", url, Optional.of(new Secret(SIGNING)), List.of(), false),
                        Optional.empty(), Clock.systemUTC(), JsonPost.TIMEOUT)),
                chat("wecom", "/cgi-bin/webhook/send?key=" + CHAT_TOKEN, url -> WeComNotifier.create(
                        new ChannelConfig.WeCom("wc", url, List.of()), Optional.empty(), JsonPost.TIMEOUT)),
                chat("webhook", "/hooks/" + CHAT_TOKEN, url -> WebhookNotifier.create(new ChannelConfig.Webhook("wh",
                        url, Optional.of(new Secret(SIGNING))), Optional.empty(), Clock.systemUTC(), JsonPost.TIMEOUT)),
                argumentSet("pagerduty, server quotes the routing key", SIGNING, (Supplier<Notifier>) () ->
                        PagerDutyNotifier.create(new ChannelConfig.PagerDuty("pd", new Secret(SIGNING),
                                SLACK.url("/v2/enqueue").uri()), Optional.empty(), JsonPost.TIMEOUT)));
    }

    /** A chat transport whose server quotes the request (with its token) back in a 404. */
    private static org.junit.jupiter.params.provider.Arguments chat(String name, String path,
                                                                    Function<Secret, Notifier> create) {
        return argumentSet(name + ", server quotes the URL", CHAT_TOKEN, (Supplier<Notifier>) () ->
                create.apply(new Secret(SLACK.url(path).toString())));
    }

    private static Notifier email(int port, boolean starttls) {
        SmtpConfig smtp = new SmtpConfig("127.0.0.1", port, Optional.of("bot"), Optional.of(new Secret(PASSWORD)),
                starttls, false);
        return EmailNotifier.create(new ChannelConfig.Email("mail", smtp, "bot@example.com", List.of("a@example.com")),
                Clock.systemUTC());
    }

    @ParameterizedTest
    @MethodSource("failingNotifiers")
    void secretStaysOutOfFailures(String secret, Supplier<Notifier> factory) {
        Notifier notifier = factory.get();

        DeliveryException e = assertThrows(DeliveryException.class, () -> notifier.send(MESSAGE));

        assertThat(notifier.toString()).doesNotContain(secret);
        assertChainFree(e, secret);
        assertThat(logs.events()).allSatisfy(event -> {
            assertThat(event.getFormattedMessage()).doesNotContain(secret);
            if (event.getThrowableProxy() != null) {
                assertThat(event.getThrowableProxy().getMessage()).doesNotContain(secret);
            }
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"htp:/" + HOOK_PATH, "https://hooks.slack.com" + HOOK_PATH + " with space", "relative" + HOOK_PATH})
    void malformedWebhookUrlIsRejectedWithoutQuotingIt(String url) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SlackWebhookNotifier.create("ops", new Secret(url)));

        assertChainFree(e, HOOK_PATH);
    }

    private static void assertChainFree(Throwable e, String secret) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            assertThat(t.getMessage()).doesNotContain(secret);
            assertThat(t.toString()).doesNotContain(secret);
        }
    }
}

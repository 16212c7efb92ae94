package budgetbot.notify.email;

import budgetbot.config.ChannelConfig;
import budgetbot.config.Secret;
import budgetbot.config.SmtpConfig;
import budgetbot.notify.DeliveryException;
import budgetbot.notify.Image;
import budgetbot.notify.Message;
import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

class EmailNotifierTest {
    private static final Instant NOW = Instant.parse("2026-11-27T02:15:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final String PASSWORD = "pw-SECRET-42";

    @RegisterExtension
    static final GreenMailExtension MAIL = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort())
            .withConfiguration(GreenMailConfiguration.aConfig().withUser("bot@example.com", "bot", PASSWORD));

    private static ChannelConfig.Email channel(SmtpConfig smtp, String from, String... to) {
        return new ChannelConfig.Email("ops-mail", smtp, from, List.of(to));
    }

    private static SmtpConfig plain(int port) {
        return new SmtpConfig("127.0.0.1", port, Optional.empty(), Optional.empty(), false, false);
    }

    private static int greenMailPort() {
        return MAIL.getSmtp().getPort();
    }

    private static Message message(String subject, Image... images) {
        return new Message("alert", subject, "Used 80 % — plain ✓", "Used 80 % — slack", "<p>Used <b>80&nbsp;%</b> — html ✓</p>",
                "[]", List.of(images));
    }

    @Test
    void sendsAlternativeOfTextAndHtmlWithSubjectFromAndTo() throws Exception {
        EmailNotifier.create(channel(plain(greenMailPort()), "budgetbot <bot@example.com>", "a@example.com",
                "b@example.com"), CLOCK).send(message("[budgetbot] prod: 80% of daily token budget used — ✓"));

        MimeMessage[] received = MAIL.getReceivedMessages();
        assertThat(received).hasSize(2);
        MimeMessage m = received[0];
        assertThat(m.getSubject()).isEqualTo("[budgetbot] prod: 80% of daily token budget used — ✓");
        assertThat(m.getFrom()[0].toString()).isEqualTo("budgetbot <bot@example.com>");
        assertThat(Arrays.stream(m.getAllRecipients()).map(Object::toString)).containsExactly("a@example.com", "b@example.com");
        assertThat(m.getSentDate().toInstant()).isEqualTo(NOW);
        assertThat(m.getContentType()).startsWith("multipart/alternative");
        Multipart alt = (Multipart) m.getContent();
        assertThat(alt.getCount()).isEqualTo(2);
        assertThat(alt.getBodyPart(0).getContentType()).startsWith("text/plain").containsIgnoringCase("charset=UTF-8");
        assertThat(alt.getBodyPart(0).getContent()).isEqualTo("Used 80 % — plain ✓");
        assertThat(alt.getBodyPart(1).getContentType()).startsWith("text/html").containsIgnoringCase("charset=UTF-8");
        assertThat(alt.getBodyPart(1).getContent()).isEqualTo("<p>Used <b>80&nbsp;%</b> — html ✓</p>");
    }

    @Test
    void imagesAreInlineInARelatedPartWithAContentIdInTheSendersDomain() throws Exception {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 0, 1, 2};
        Message m = new Message("digest", "chart", "text", "text", "<img src=\"cid:usage-chart\" alt=\"usage\">",
                "[]", List.of(new Image("usage-chart", "usage.png", png)));
        EmailNotifier.create(channel(plain(greenMailPort()), "bot@mail.example.com", "a@example.com"), CLOCK).send(m);

        MimeMessage received = MAIL.getReceivedMessages()[0];
        Multipart alt = (Multipart) received.getContent();
        BodyPart htmlSide = alt.getBodyPart(1);
        assertThat(htmlSide.getContentType()).startsWith("multipart/related");
        MimeMultipart related = (MimeMultipart) htmlSide.getContent();
        assertThat(related.getCount()).isEqualTo(2);
        assertThat(related.getBodyPart(0).getContentType()).startsWith("text/html");
        BodyPart image = related.getBodyPart(1);
        assertThat(image.getContentType()).startsWith("image/png");
        String contentId = image.getHeader("Content-ID")[0];
        assertThat(contentId).matches("<usage-chart\\.[0-9a-f-]{36}@mail\\.example\\.com>");
        assertThat(related.getBodyPart(0).getContent()).isEqualTo("<img src=\"cid:"
                + contentId.substring(1, contentId.length() - 1) + "\" alt=\"usage\">");
        assertThat(received.getMessageID()).matches("<[0-9a-f-]{36}@mail\\.example\\.com>");
        assertThat(image.getDisposition()).isEqualTo(Part.INLINE);
        assertThat(image.getFileName()).isEqualTo("usage.png");
        try (InputStream in = image.getInputStream()) {
            assertThat(in.readAllBytes()).isEqualTo(png);
        }
    }

    @Test
    void nonAsciiNamesAreEncodedWordsAndEveryHeaderIsAscii() throws Exception {
        EmailNotifier.create(channel(plain(greenMailPort()), "Budget Bot – Zürich <bot@example.com>",
                "Jürgen Müller <a@example.com>"), CLOCK).send(message("[budgetbot] 预算 80% — ✓"));

        MimeMessage m = MAIL.getReceivedMessages()[0];
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        m.writeTo(raw);
        String headers = raw.toString(StandardCharsets.ISO_8859_1).split("\r\n\r\n", 2)[0];
        assertThat(headers.chars()).as("headers:%n%s", headers).allMatch(c -> c < 128);
        assertThat(headers).contains("From: =?UTF-8?").doesNotContain("@localhost");
        InternetAddress from = (InternetAddress) m.getFrom()[0];
        assertThat(from.getPersonal()).isEqualTo("Budget Bot – Zürich");
        assertThat(from.getAddress()).isEqualTo("bot@example.com");
        assertThat(((InternetAddress) m.getAllRecipients()[0]).getPersonal()).isEqualTo("Jürgen Müller");
        assertThat(m.getSubject()).isEqualTo("[budgetbot] 预算 80% — ✓");
        assertThat(m.getMessageID()).endsWith("@example.com>");
    }

    @Test
    void subjectWithLineBreaksCannotAddAHeader() throws Exception {
        EmailNotifier.create(channel(plain(greenMailPort()), "bot@example.com", "a@example.com"), CLOCK)
                .send(message("budget\r\nBcc: evil@x.example\r\n\tX-Evil: 1"));

        MimeMessage[] received = MAIL.getReceivedMessages();
        assertThat(received).hasSize(1);
        assertThat(received[0].getHeader("Bcc")).isNull();
        assertThat(received[0].getHeader("X-Evil")).isNull();
        assertThat(received[0].getSubject()).isEqualTo("budget Bcc: evil@x.example X-Evil: 1");
    }

    @ParameterizedTest(name = "from={0} to={1}")
    @CsvSource(delimiter = '|', value = {
            "bot@example.com\\r\\nBcc: evil@x.example | a@example.com",
            "bot@example.com                         | a@example.com\\r\\nBcc: evil@x.example",
            "not an address                          | a@example.com",
    })
    void addressesWithInjectedHeadersOrBadSyntaxArePermanentFailures(String from, String to) {
        EmailNotifier n = EmailNotifier.create(channel(plain(greenMailPort()), unescape(from), unescape(to)), CLOCK);

        DeliveryException e = assertThrows(DeliveryException.class, () -> n.send(message("s")));

        assertThat(e.retryable()).isFalse();
        assertThat(e.getMessage()).contains("bad address", "ops-mail");
        assertThat(MAIL.getReceivedMessages()).isEmpty();
    }

    @Test
    void authenticatesWhenAUsernameIsSet() throws Exception {
        SmtpConfig smtp = new SmtpConfig("127.0.0.1", greenMailPort(), Optional.of("bot"),
                Optional.of(new Secret(PASSWORD)), false, false);

        EmailNotifier.create(channel(smtp, "bot@example.com", "a@example.com"), CLOCK).send(message("authenticated"));

        assertThat(MAIL.getReceivedMessages()).extracting(MimeMessage::getSubject).containsExactly("authenticated");
    }

    @Test
    void wrongPasswordIsPermanentAndDoesNotShowThePassword() {
        SmtpConfig smtp = new SmtpConfig("127.0.0.1", greenMailPort(), Optional.of("bot"),
                Optional.of(new Secret("wrong-SECRET-pw")), false, false);
        EmailNotifier n = EmailNotifier.create(channel(smtp, "bot@example.com", "a@example.com"), CLOCK);

        DeliveryException e = assertThrows(DeliveryException.class, () -> n.send(message("s")));

        assertThat(e.retryable()).isFalse();
        assertThat(e.getMessage()).contains("refused the login").doesNotContain("wrong-SECRET-pw");
    }

    @Test
    void serverDownIsRetryable() throws IOException {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        EmailNotifier n = EmailNotifier.create(channel(plain(closed), "bot@example.com", "a@example.com"), CLOCK);

        DeliveryException e = assertThrows(DeliveryException.class, () -> n.send(message("s")));

        assertThat(e.retryable()).isTrue();
        assertThat(e.getMessage()).contains("cannot connect", "ops-mail");
    }

    @Test
    void requiredStartTlsAgainstAPlainServerFailsPermanentlyWithAClearMessage() {
        SmtpConfig smtp = new SmtpConfig("127.0.0.1", greenMailPort(), Optional.of("bot"),
                Optional.of(new Secret(PASSWORD)), true, false);
        EmailNotifier n = EmailNotifier.create(channel(smtp, "bot@example.com", "a@example.com"), CLOCK);

        DeliveryException e = assertThrows(DeliveryException.class, () -> n.send(message("s")));

        assertThat(e.retryable()).isFalse();
        assertThat(e.getMessage()).contains("STARTTLS", "ops-mail").doesNotContain(PASSWORD);
        assertThat(MAIL.getReceivedMessages()).isEmpty();
    }

    @ParameterizedTest(name = "{0} answered {1} -> retryable {2}")
    @CsvSource(delimiter = '|', value = {
            "RCPT  | 451 4.3.0 mailbox busy, try later    | true",
            "RCPT  | 550 5.1.1 no such user                | false",
            "MAIL  | 452 4.3.1 insufficient storage        | true",
            "MAIL  | 553 5.7.1 sender rejected             | false",
            "DATA. | 452 4.3.1 insufficient storage        | true",
            "DATA. | 554 5.7.1 message rejected as spam    | false",
    })
    void smtpRepliesAreClassifiedByTheirFirstDigit(String command, String reply, boolean retryable) throws Exception {
        try (ScriptedSmtpServer server = ScriptedSmtpServer.refusing(command, reply)) {
            EmailNotifier n = EmailNotifier.create(channel(plain(server.port()), "bot@example.com", "a@example.com"), CLOCK);

            DeliveryException e = assertThrows(DeliveryException.class, () -> n.send(message("s")));

            assertThat(e.retryable()).isEqualTo(retryable);
            assertThat(e.getMessage()).contains(reply.substring(0, 3));
        }
    }

    @ParameterizedTest(name = "starttls={0} ssl={1} user={2}")
    @CsvSource({
            "false, false, ,    false, , ",
            "true,  false, bot, true,  true, ",
            "false, true,  bot, true,  ,     true",
    })
    void sessionPropertiesFollowTheConfig(boolean starttls, boolean ssl, String user, boolean auth,
                                          Boolean starttlsRequired, Boolean sslEnabled) {
        Properties p = EmailNotifier.sessionProperties(new SmtpConfig("smtp.example.com", 587,
                Optional.ofNullable(user), Optional.empty(), starttls, ssl));

        assertThat(p.getProperty("mail.smtp.auth")).isEqualTo(Boolean.toString(auth));
        assertThat(p.getProperty("mail.smtp.starttls.enable")).isEqualTo(starttlsRequired == null ? null : "true");
        assertThat(p.getProperty("mail.smtp.starttls.required")).isEqualTo(starttlsRequired == null ? null : "true");
        assertThat(p.getProperty("mail.smtp.ssl.enable")).isEqualTo(sslEnabled == null ? null : "true");
        assertThat(p).containsEntry("mail.smtp.connectiontimeout", "30000").containsEntry("mail.smtp.timeout", "30000")
                .containsEntry("mail.smtp.writetimeout", "30000");
    }

    @Test
    void channelWithoutRecipientsIsRejected() {
        ChannelConfig.Email none = new ChannelConfig.Email("ops-mail", plain(25), "bot@example.com", Collections.emptyList());

        assertThrows(IllegalArgumentException.class, () -> EmailNotifier.create(none, CLOCK));
    }

    private static String unescape(String s) {
        return s.replace("\\r", "\r").replace("\\n", "\n");
    }
}

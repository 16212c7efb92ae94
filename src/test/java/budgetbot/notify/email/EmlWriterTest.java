package budgetbot.notify.email;

import budgetbot.config.ChannelConfig;
import budgetbot.config.SmtpConfig;
import budgetbot.notify.Image;
import budgetbot.notify.Message;
import jakarta.mail.Multipart;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

class EmlWriterTest {
    private static final ChannelConfig.Email CHANNEL = new ChannelConfig.Email("ops-mail",
            new SmtpConfig("smtp.example.com", 587, Optional.empty(), Optional.empty(), true, false),
            "bot@example.com", List.of("a@example.com"));
    private static final Instant SENT = Instant.parse("2026-11-27T02:15:00Z");

    @Test
    void writesTheMailAsItWouldBeSentWithoutOverwriting(@TempDir Path dir) throws Exception {
        Message m = new Message("alert", "[budgetbot] prod: 80% used", "text", "text", "<img src=\"cid:c1\">", "[]",
                List.of(new Image("c1", "c.png", new byte[]{1, 2})));

        Path first = EmlWriter.write(m, CHANNEL, SENT, dir.resolve("out"));
        Path second = EmlWriter.write(m, CHANNEL, SENT, dir.resolve("out"));

        assertThat(first.getFileName()).hasToString("20261127T021500Z-alert-budgetbot-prod-80-used.eml");
        assertThat(second.getFileName()).hasToString("20261127T021500Z-alert-budgetbot-prod-80-used-2.eml");
        try (InputStream in = Files.newInputStream(first)) {
            MimeMessage read = new MimeMessage(Session.getInstance(new Properties()), in);
            assertThat(read.getSubject()).isEqualTo("[budgetbot] prod: 80% used");
            assertThat(read.getSentDate().toInstant()).isEqualTo(SENT);
            assertThat(read.getContentType()).startsWith("multipart/alternative");
            assertThat(((Multipart) read.getContent()).getBodyPart(1).getContentType()).startsWith("multipart/related");
        }
    }
}

package budgetbot.notify.email;

import budgetbot.config.ChannelConfig;
import budgetbot.notify.Image;
import budgetbot.notify.Message;
import jakarta.activation.DataHandler;
import jakarta.mail.MessagingException;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;

/** Builds the MIME form of a message: text and HTML alternatives, the HTML with its inline images. */
final class MimeMessages {
    private static final String UTF_8 = StandardCharsets.UTF_8.name();

    private MimeMessages() {
    }

    /**
     * {@code multipart/alternative} of {@code text/plain} and {@code text/html}; with images the HTML becomes a
     * {@code multipart/related} of the HTML and each PNG, inline, with {@code Content-ID: <contentId>}.
     */
    static MimeMessage build(Session session, Message message, ChannelConfig.Email channel, Instant sentAt)
            throws MessagingException {
        MimeMessage mime = new MimeMessage(session);
        mime.setFrom(address(channel.from()));
        for (String to : channel.to()) {
            mime.addRecipient(jakarta.mail.Message.RecipientType.TO, address(to));
        }
        mime.setSubject(headerSafe(message.subject()), UTF_8);
        mime.setSentDate(Date.from(sentAt));

        MimeBodyPart text = new MimeBodyPart();
        text.setText(message.text(), UTF_8, "plain");
        MimeMultipart alternative = new MimeMultipart("alternative");
        alternative.addBodyPart(text);
        alternative.addBodyPart(htmlPart(message));
        mime.setContent(alternative);
        mime.saveChanges();
        return mime;
    }

    private static MimeBodyPart htmlPart(Message message) throws MessagingException {
        MimeBodyPart html = new MimeBodyPart();
        html.setText(message.html(), UTF_8, "html");
        if (message.images().isEmpty()) {
            return html;
        }
        MimeMultipart related = new MimeMultipart("related");
        related.addBodyPart(html);
        for (Image image : message.images()) {
            MimeBodyPart png = new MimeBodyPart();
            png.setDataHandler(new DataHandler(new ByteArrayDataSource(image.png(), "image/png")));
            png.setContentID("<" + headerSafe(image.contentId()) + ">");
            png.setDisposition(Part.INLINE);
            png.setFileName(headerSafe(image.filename()));
            related.addBodyPart(png);
        }
        MimeBodyPart wrapper = new MimeBodyPart();
        wrapper.setContent(related);
        return wrapper;
    }

    /** Parses strictly, after removing control characters, so that no address can add a header line. */
    static InternetAddress address(String address) throws MessagingException {
        return new InternetAddress(headerSafe(address), true);
    }

    /** {@code s} on one line: CR, LF and other control characters become spaces, runs of spaces collapse. */
    static String headerSafe(String s) {
        return s.replaceAll("[\\p{Cntrl}\\u2028\\u2029\\u0085]+", " ").replaceAll(" {2,}", " ").strip();
    }
}

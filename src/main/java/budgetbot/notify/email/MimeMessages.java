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

import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds the MIME form of a message: text and HTML alternatives, the HTML with its inline images. Headers are
 * ASCII: display names and the subject are encoded words (RFC 2047), and Message-ID and Content-IDs are made
 * in the sender's domain rather than the machine's.
 */
final class MimeMessages {
    private static final String UTF_8 = StandardCharsets.UTF_8.name();

    private MimeMessages() {
    }

    /**
     * {@code multipart/alternative} of {@code text/plain} and {@code text/html}; with images the HTML becomes a
     * {@code multipart/related} of the HTML and each PNG, inline, with {@code Content-ID:
     * <contentId.unique@sender-domain>}, to which the HTML's {@code cid:contentId} references are pointed.
     */
    static MimeMessage build(Session session, Message message, ChannelConfig.Email channel, Instant sentAt)
            throws MessagingException {
        InternetAddress from = address(channel.from());
        String unique = UUID.randomUUID() + "@" + from.getAddress().substring(from.getAddress().lastIndexOf('@') + 1);
        MimeMessage mime = new MimeMessage(session) {
            @Override
            protected void updateMessageID() throws MessagingException {
                setHeader("Message-ID", "<" + unique + ">");
            }
        };
        mime.setFrom(from);
        for (String to : channel.to()) {
            mime.addRecipient(jakarta.mail.Message.RecipientType.TO, address(to));
        }
        mime.setSubject(headerSafe(message.subject()), UTF_8);
        mime.setSentDate(Date.from(sentAt));

        MimeBodyPart text = new MimeBodyPart();
        text.setText(message.text(), UTF_8, "plain");
        MimeMultipart alternative = new MimeMultipart("alternative");
        alternative.addBodyPart(text);
        alternative.addBodyPart(htmlPart(message, unique));
        mime.setContent(alternative);
        mime.saveChanges();
        return mime;
    }

    private static MimeBodyPart htmlPart(Message message, String unique) throws MessagingException {
        MimeBodyPart html = new MimeBodyPart();
        if (message.images().isEmpty()) {
            html.setText(message.html(), UTF_8, "html");
            return html;
        }
        MimeMultipart related = new MimeMultipart("related");
        related.addBodyPart(html);
        String body = message.html();
        for (Image image : message.images()) {
            String contentId = headerSafe(image.contentId()) + "." + unique;
            body = body.replaceAll("cid:" + Pattern.quote(image.contentId()) + "(?=[\"'])",
                    Matcher.quoteReplacement("cid:" + contentId));
            MimeBodyPart png = new MimeBodyPart();
            png.setDataHandler(new DataHandler(new ByteArrayDataSource(image.png(), "image/png")));
            png.setContentID("<" + contentId + ">");
            png.setDisposition(Part.INLINE);
            png.setFileName(headerSafe(image.filename()));
            related.addBodyPart(png);
        }
        html.setText(body, UTF_8, "html");
        MimeBodyPart wrapper = new MimeBodyPart();
        wrapper.setContent(related);
        return wrapper;
    }

    /**
     * Parses strictly, after removing control characters, so that no address can add a header line; a display
     * name is kept as an encoded word, so that a non-ASCII one does not go out as raw 8-bit bytes.
     */
    static InternetAddress address(String address) throws MessagingException {
        InternetAddress parsed = new InternetAddress(headerSafe(address), true);
        if (parsed.getPersonal() == null) {
            return parsed;
        }
        try {
            return new InternetAddress(parsed.getAddress(), parsed.getPersonal(), UTF_8);
        } catch (UnsupportedEncodingException e) {
            throw new IllegalStateException("UTF-8 is always supported", e);
        }
    }

    /** {@code s} on one line: CR, LF and other control characters become spaces, runs of spaces collapse. */
    static String headerSafe(String s) {
        return s.replaceAll("[\\p{Cntrl}\\u2028\\u2029\\u0085]+", " ").replaceAll(" {2,}", " ").strip();
    }
}

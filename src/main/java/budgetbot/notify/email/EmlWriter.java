package budgetbot.notify.email;

import budgetbot.config.ChannelConfig;
import budgetbot.notify.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Properties;

/** Writes messages as {@code .eml} files, exactly as {@link EmailNotifier} would send them; for the demo. */
public final class EmlWriter {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);
    private static final int SLUG_MAX = 60;

    private EmlWriter() {
    }

    /**
     * Writes {@code message} for {@code channel}, dated {@code sentAt}, into {@code dir} (created if needed) as
     * {@code <time>-<kind>-<subject>.eml}, never overwriting a file.
     *
     * @return the file written
     */
    public static Path write(Message message, ChannelConfig.Email channel, Instant sentAt, Path dir)
            throws IOException {
        MimeMessage mime;
        try {
            mime = MimeMessages.build(Session.getInstance(new Properties()), message, channel, sentAt);
        } catch (MessagingException e) {
            throw new IOException("cannot build the mail of channel " + channel.name() + ": " + e.getMessage(), e);
        }
        Files.createDirectories(dir);
        String base = STAMP.format(sentAt) + "-" + slug(message.kind()) + "-" + slug(message.subject());
        for (int n = 1; ; n++) {
            Path file = dir.resolve(base + (n == 1 ? "" : "-" + n) + ".eml");
            try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW)) {
                mime.writeTo(out);
                return file;
            } catch (FileAlreadyExistsException e) {
                // same second, same subject: take the next number
            } catch (MessagingException e) {
                throw new IOException("cannot write " + file + ": " + e.getMessage(), e);
            }
        }
    }

    private static String slug(String s) {
        String slug = s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
        return slug.length() <= SLUG_MAX ? slug : slug.substring(0, SLUG_MAX).replaceAll("-$", "");
    }
}

package budgetbot.notify.email;

import budgetbot.config.ChannelConfig;
import budgetbot.config.Secret;
import budgetbot.config.SmtpConfig;
import budgetbot.notify.DeliveryException;
import budgetbot.notify.Message;
import budgetbot.notify.Notifier;
import budgetbot.notify.Redaction;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.MimeMessage;

import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Properties;

/** Sends messages by SMTP as {@code multipart/alternative} mail (see {@link MimeMessages}). */
public final class EmailNotifier implements Notifier {
    static final int TIMEOUT_MILLIS = 30_000;

    private final ChannelConfig.Email channel;
    private final Clock clock;
    private final Session session;
    private final String target;
    private final List<String> secrets;

    private EmailNotifier(ChannelConfig.Email channel, Clock clock, Properties session) {
        this.channel = channel;
        this.clock = clock;
        this.session = Session.getInstance(session);
        this.target = "channel " + channel.name() + " (" + channel.smtp().host() + ":" + channel.smtp().port() + ")";
        this.secrets = Redaction.values(channel.smtp().password().stream().toList());
    }

    public static EmailNotifier create(ChannelConfig.Email channel, Clock clock) {
        Objects.requireNonNull(channel, "channel");
        return create(channel, clock, sessionProperties(channel.smtp()));
    }

    /**
     * With these Jakarta Mail session properties instead of {@link #sessionProperties}: tests shorten the timeouts
     * or trust a throwaway certificate ({@code mail.smtp.ssl.socketFactory}) for one session only.
     */
    static EmailNotifier create(ChannelConfig.Email channel, Clock clock, Properties session) {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(session, "session");
        if (channel.to().isEmpty()) {
            throw new IllegalArgumentException("email channel " + channel.name() + " has no recipients");
        }
        return new EmailNotifier(channel, clock, session);
    }

    /** The Jakarta Mail properties for a relay: TLS as configured, AUTH only with a username, 30 s timeouts. */
    static Properties sessionProperties(SmtpConfig smtp) {
        Properties p = new Properties();
        p.setProperty("mail.transport.protocol", "smtp");
        p.setProperty("mail.smtp.host", smtp.host());
        p.setProperty("mail.smtp.port", Integer.toString(smtp.port()));
        p.setProperty("mail.smtp.connectiontimeout", Integer.toString(TIMEOUT_MILLIS));
        p.setProperty("mail.smtp.timeout", Integer.toString(TIMEOUT_MILLIS));
        p.setProperty("mail.smtp.writetimeout", Integer.toString(TIMEOUT_MILLIS));
        p.setProperty("mail.smtp.auth", Boolean.toString(smtp.username().isPresent()));
        if (smtp.starttls()) {
            p.setProperty("mail.smtp.starttls.enable", "true");
            p.setProperty("mail.smtp.starttls.required", "true");
        }
        if (smtp.ssl()) {
            p.setProperty("mail.smtp.ssl.enable", "true");
        }
        if (smtp.starttls() || smtp.ssl()) {
            p.setProperty("mail.smtp.ssl.checkserveridentity", "true");
        }
        return p;
    }

    @Override
    public void send(Message message) throws DeliveryException {
        try {
            MimeMessage mime = MimeMessages.build(session, message, channel, clock.instant());
            try (Transport transport = session.getTransport()) {
                SmtpConfig smtp = channel.smtp();
                transport.connect(smtp.host(), smtp.port(), smtp.username().orElse(null),
                        smtp.username().isPresent() ? smtp.password().map(Secret::reveal).orElse("") : null);
                transport.sendMessage(mime, mime.getAllRecipients());
            }
        } catch (MessagingException e) {
            throw SmtpFailures.classify(target, e, secrets);
        }
    }

    @Override
    public String toString() {
        return "EmailNotifier[" + target + "]";
    }
}

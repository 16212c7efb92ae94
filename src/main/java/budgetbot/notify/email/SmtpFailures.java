package budgetbot.notify.email;

import budgetbot.notify.DeliveryException;
import budgetbot.notify.Redaction;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.AddressException;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPSenderFailedException;
import org.eclipse.angus.mail.util.MailConnectException;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.security.cert.CertificateException;
import java.util.Collection;
import java.util.Optional;

/**
 * The one place that decides what an SMTP failure means: no connection, a timeout or a 4xx reply may pass
 * later; a 5xx reply, a refused login, a bad address, an untrusted certificate or another TLS problem will not.
 */
final class SmtpFailures {
    private static final int MAX_CHAIN = 20;

    private SmtpFailures() {
    }

    static DeliveryException classify(String target, MessagingException e, Collection<String> secrets) {
        String detail = Redaction.scrub(oneLine(e.getMessage()), secrets);
        Throwable cause = Redaction.scrub(e, secrets);
        if (e instanceof AuthenticationFailedException) {
            return DeliveryException.permanent("the SMTP server of " + target + " refused the login: " + detail, cause);
        }
        if (e instanceof AddressException) {
            return DeliveryException.permanent("bad address for " + target + ": " + detail, cause);
        }
        if (e instanceof MailConnectException) {
            return DeliveryException.retryable("cannot connect to the SMTP server of " + target + ": " + detail, cause);
        }
        Optional<MessagingException> reply = reply(e);
        if (reply.isPresent()) {
            String message = "the SMTP server of " + target + " replied "
                    + Redaction.scrub(oneLine(reply.get().getMessage()), secrets);
            return code(reply.get()) / 100 == 4 ? DeliveryException.retryable(message, cause)
                    : DeliveryException.permanent(message, cause);
        }
        Optional<Throwable> untrusted = find(e, CertificateException.class);
        if (untrusted.isPresent()) {
            return DeliveryException.permanent("the certificate of the SMTP server of " + target + " is not trusted: "
                    + Redaction.scrub(oneLine(deepest(untrusted.get()).getMessage()), secrets) + "; add its CA to the"
                    + " JVM's truststore (-Djavax.net.ssl.trustStore), or name the host as the certificate does", cause);
        }
        if (has(e, SSLException.class)) {
            return DeliveryException.permanent("TLS with the SMTP server of " + target + " failed: " + detail, cause);
        }
        if (has(e, IOException.class)) {
            return DeliveryException.retryable("talking to the SMTP server of " + target + " failed: " + detail, cause);
        }
        // e.g. "STARTTLS is required but host does not support STARTTLS": configuration, not luck
        return DeliveryException.permanent("sending to " + target + " failed: " + detail, cause);
    }

    /** The first SMTP error reply in the chain of next exceptions (a send failure lists one per address). */
    private static Optional<MessagingException> reply(MessagingException e) {
        int depth = 0;
        for (Exception c = e; c instanceof MessagingException m && depth < MAX_CHAIN; c = m.getNextException(), depth++) {
            if (code(m) >= 400) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }

    /** The reply code an SMTP exception carries, or -1. */
    private static int code(MessagingException e) {
        return e instanceof SMTPSendFailedException s ? s.getReturnCode()
                : e instanceof SMTPAddressFailedException a ? a.getReturnCode()
                : e instanceof SMTPSenderFailedException f ? f.getReturnCode() : -1;
    }

    private static boolean has(Throwable t, Class<? extends Throwable> type) {
        return find(t, type).isPresent();
    }

    private static Optional<Throwable> find(Throwable t, Class<? extends Throwable> type) {
        int depth = 0;
        for (Throwable c = t; c != null && depth < MAX_CHAIN; c = c.getCause(), depth++) {
            if (type.isInstance(c)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    /** The last cause in the chain: the one that says what the TLS library found wrong. */
    private static Throwable deepest(Throwable t) {
        Throwable c = t;
        for (int depth = 0; c.getCause() != null && depth < MAX_CHAIN; depth++) {
            c = c.getCause();
        }
        return c;
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.strip().replaceAll("\\s+", " ");
    }
}

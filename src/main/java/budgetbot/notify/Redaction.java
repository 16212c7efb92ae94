package budgetbot.notify;

import budgetbot.config.Secret;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Removes secret values from text and exception chains before they reach a message, a log or an outbox row.
 * Libraries put request URLs and server replies into their exceptions; a webhook URL is itself a secret.
 */
public final class Redaction {
    private static final String MASK = "<secret>";
    private static final int MAX_CHAIN = 20;

    private Redaction() {
    }

    /** The non-empty secret values to look for; empty values would match everywhere. */
    public static List<String> values(Collection<Secret> secrets) {
        List<String> values = new ArrayList<>();
        for (Secret s : secrets) {
            if (!s.isEmpty()) {
                values.add(s.reveal());
            }
        }
        return List.copyOf(values);
    }

    /** {@code text} with every occurrence of every secret value replaced by {@code <secret>}. */
    public static String scrub(String text, Collection<String> secrets) {
        if (text == null) {
            return null;
        }
        String out = text;
        for (String s : secrets) {
            out = out.replace(s, MASK);
        }
        return out;
    }

    /**
     * {@code t} itself when no message or {@code toString} in its cause chain contains a secret, otherwise a
     * copy of the chain with scrubbed messages and the original stack traces (the original class is named in
     * each message).
     */
    public static Throwable scrub(Throwable t, Collection<String> secrets) {
        if (t == null || !leaks(t, secrets)) {
            return t;
        }
        return copy(t, secrets, 0);
    }

    private static boolean leaks(Throwable t, Collection<String> secrets) {
        int depth = 0;
        for (Throwable c = t; c != null && depth < MAX_CHAIN; c = c.getCause(), depth++) {
            for (String s : secrets) {
                if (contains(c.getMessage(), s) || contains(c.toString(), s)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean contains(String text, String secret) {
        return text != null && text.contains(secret);
    }

    private static Throwable copy(Throwable t, Collection<String> secrets, int depth) {
        Throwable cause = t.getCause() == null || depth >= MAX_CHAIN ? null : copy(t.getCause(), secrets, depth + 1);
        Throwable c = new RedactedException(t.getClass().getName() + ": " + scrub(t.getMessage(), secrets), cause);
        c.setStackTrace(t.getStackTrace());
        return c;
    }

    /** Stands in for an exception whose message contained a secret. */
    static final class RedactedException extends Exception {
        RedactedException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}

package budgetbot.usage;

/** The usage source failed after its retries; the message says why and never contains a secret. */
public class UsageException extends RuntimeException {
    public UsageException(String message, Throwable cause) {
        super(message, cause);
    }
}

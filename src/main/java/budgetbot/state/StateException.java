package budgetbot.state;

/** The state database could not be opened, migrated, read or written. */
public final class StateException extends RuntimeException {
    public StateException(String message, Throwable cause) {
        super(message, cause);
    }
}

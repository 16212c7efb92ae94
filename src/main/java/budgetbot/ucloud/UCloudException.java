package budgetbot.ucloud;

import budgetbot.time.Window;
import budgetbot.usage.UsageException;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/** A UCloud call failed for good: rejected, or still failing after its retries. Never carries a secret. */
public final class UCloudException extends UsageException {
    private final String reason;
    private final Optional<Window> slice;
    private final OptionalInt retCode;
    private final Optional<String> requestId;
    private final int attempts;
    private final boolean refused;

    /**
     * @param message the whole story, for callers that show only the message
     * @param reason  the last attempt's failure alone (RetCode or HTTP status, UCloud's message, what to check)
     * @param slice   the request's window, if it asks about one: the failing day slice of a longer window
     * @param refused UCloud answered with a RetCode that is not worth a retry
     */
    UCloudException(String message, String reason, Optional<Window> slice, OptionalInt retCode,
                    Optional<String> requestId, int attempts, boolean refused, Throwable cause) {
        super(message, cause);
        this.refused = refused;
        this.reason = Objects.requireNonNull(reason, "reason");
        this.slice = Objects.requireNonNull(slice, "slice");
        this.retCode = retCode;
        this.requestId = requestId;
        this.attempts = attempts;
    }

    /** UCloud's RetCode of the last answer, empty when the last attempt got no UCloud envelope. */
    public OptionalInt retCode() {
        return retCode;
    }

    /** The {@code X-UCLOUD-REQUEST-UUID} of the last answer, for UCloud support. */
    public Optional<String> requestId() {
        return requestId;
    }

    /**
     * Whether UCloud answered with a RetCode that asking again does not change (no permission, unknown credentials
     * or project), as opposed to being unreachable, overloaded or failing inside.
     */
    public boolean refused() {
        return refused;
    }

    public int attempts() {
        return attempts;
    }

    String reason() {
        return reason;
    }

    Optional<Window> slice() {
        return slice;
    }

    boolean interrupted() {
        return getCause() instanceof InterruptedException;
    }
}

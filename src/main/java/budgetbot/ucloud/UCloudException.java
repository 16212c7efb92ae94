package budgetbot.ucloud;

import budgetbot.usage.UsageException;

import java.util.Optional;
import java.util.OptionalInt;

/** A UCloud call failed for good: rejected, or still failing after its retries. Never carries a secret. */
public final class UCloudException extends UsageException {
    private final OptionalInt retCode;
    private final Optional<String> requestId;
    private final int attempts;

    UCloudException(String message, OptionalInt retCode, Optional<String> requestId, int attempts, Throwable cause) {
        super(message, cause);
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

    public int attempts() {
        return attempts;
    }
}

package budgetbot.digest;

import java.time.Instant;
import java.util.Objects;

/**
 * Why a digest is made later than it was due: at {@code due} it could not be made because {@code reason}
 * ("usage could not be fetched from UCloud", "budgetbot was not running").
 */
public record Lateness(Instant due, String reason) {
    public Lateness {
        Objects.requireNonNull(due, "due");
        Objects.requireNonNull(reason, "reason");
    }
}

package budgetbot.guard;

import java.time.ZoneId;
import java.util.Objects;
import java.util.Optional;

/**
 * Something that happened to an action that its rule's channels are told: it waits for approval, was applied,
 * UCloud refused it, it was undone.
 *
 * @param detail UCloud's words when it refused, with its RetCode and request id; for an interrupted action given up,
 *               what UCloud lists for the key
 */
public record ActionEvent(Action action, Kind kind, Optional<String> detail, ZoneId zone) {
    public ActionEvent {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(zone, "zone");
    }

    public enum Kind {
        WAITING, APPLIED, FAILED, REVERTED, REVERT_FAILED,
        /** budgetbot stopped while sending it, and its period ended before it could send it again. */
        INTERRUPTED
    }
}

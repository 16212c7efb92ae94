package budgetbot.state;

import budgetbot.rules.Finding;

import java.time.ZoneId;
import java.util.Objects;

/** A finding that state decided to announce, with what a message needs to render it. */
public record AlertEvent(Finding finding, AlertStatus status, String currency, ZoneId zone) {
    public AlertEvent {
        Objects.requireNonNull(finding, "finding");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(currency, "currency");
        Objects.requireNonNull(zone, "zone");
    }
}

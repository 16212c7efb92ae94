package budgetbot.testing;

import budgetbot.rules.Finding;
import budgetbot.state.AlertEvent;
import budgetbot.state.AlertStatus;

import java.time.Instant;
import java.time.ZoneId;

/** Alert events for tests that render or queue them without a state store deciding them. */
public final class Events {
    private Events() {
    }

    /** An event of an alert that fired at the start of its finding's period and is announced then. */
    public static AlertEvent event(Finding f, AlertStatus status, String currency, ZoneId zone) {
        Instant start = f.window().start();
        return new AlertEvent(f, status, currency, zone, new AlertEvent.Episode(start, start, start));
    }
}

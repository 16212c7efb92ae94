package budgetbot.state;

import budgetbot.rules.Finding;

import java.time.Instant;
import java.time.ZoneId;
import java.util.Objects;
import java.util.Optional;

/**
 * A finding that state decided to announce, with what a message needs to render it.
 *
 * @param episode when the alert this event belongs to began, and in which period
 */
public record AlertEvent(Finding finding, AlertStatus status, String currency, ZoneId zone, Episode episode) {
    public AlertEvent {
        Objects.requireNonNull(finding, "finding");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(currency, "currency");
        Objects.requireNonNull(zone, "zone");
        Objects.requireNonNull(episode, "episode");
    }

    /**
     * The run of announcements from a firing to its resolution, which receivers that track incidents (PagerDuty,
     * Alertmanager bridges) follow. A growth alert may resolve in the period after the one it fired in, so the
     * period is the episode's, not the finding's.
     *
     * @param periodStart the start of the period the alert fired in
     * @param since       when it was first announced
     * @param at          when this event is announced
     */
    public record Episode(Instant periodStart, Instant since, Instant at) {
        public Episode {
            Objects.requireNonNull(periodStart, "periodStart");
            Objects.requireNonNull(since, "since");
            Objects.requireNonNull(at, "at");
        }

        /** The episode of announcing {@code status} about {@code f} at {@code now}, after {@code last}. */
        static Episode of(Optional<AlertRecord> last, Finding f, AlertStatus status, Instant now) {
            return switch (status) {
                case FIRING -> new Episode(f.window().start(), now, now);
                case ESCALATED, REMINDER, RESOLVED -> {
                    AlertRecord r = last.orElseThrow();
                    yield new Episode(r.periodStart(), r.firstFired(), now);
                }
            };
        }
    }
}

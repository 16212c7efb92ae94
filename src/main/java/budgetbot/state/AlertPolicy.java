package budgetbot.state;

import budgetbot.rules.Finding;
import budgetbot.rules.Kind;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** Whether an alert is announced again: a pure function of the last announced state, the finding and the time. */
public final class AlertPolicy {
    private AlertPolicy() {
    }

    /**
     * Decides what, if anything, to announce about {@code f} on a channel whose last announcement was {@code last}.
     *
     * @param repeat the rule's reminder interval; empty announces each level once per period
     */
    public static Optional<AlertStatus> decide(Optional<AlertRecord> last, Finding f, Instant now,
                                               Optional<Duration> repeat) {
        Objects.requireNonNull(last, "last");
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(repeat, "repeat");
        if (!f.active()) {
            // Budget levels never go down within a period and an inactive forecast is not news: growth and anomalies
            // resolve, and so does a quota whose key's limit was raised.
            boolean resolves = (f.kind() == Kind.GROWTH || f.kind() == Kind.ANOMALY || f.kind() == Kind.QUOTA)
                    && last.filter(AlertRecord::active).isPresent();
            return resolves ? Optional.of(AlertStatus.RESOLVED) : Optional.empty();
        }
        if (last.isEmpty() || !last.get().periodStart().equals(f.window().start())) {
            return Optional.of(AlertStatus.FIRING);
        }
        AlertRecord r = last.get();
        if (f.level().compareTo(r.level()) > 0) {
            return Optional.of(AlertStatus.ESCALATED);
        }
        if (!r.active()) {
            return Optional.of(AlertStatus.FIRING);
        }
        boolean due = repeat.filter(every -> Duration.between(r.lastNotified(), now).compareTo(every) >= 0).isPresent();
        return due ? Optional.of(AlertStatus.REMINDER) : Optional.empty();
    }

    /** The state to store after announcing {@code status} about {@code f} on {@code channel}. */
    static AlertRecord after(Optional<AlertRecord> last, Finding f, String channel, AlertStatus status, Instant now) {
        Instant period = f.window().start();
        return switch (status) {
            case FIRING -> new AlertRecord(f.rule(), f.condition(), f.group(), channel, period, f.kind(), f.level(),
                    true, now, now, now, Optional.empty());
            case ESCALATED -> {
                AlertRecord r = last.orElseThrow();
                yield new AlertRecord(r.rule(), r.condition(), r.group(), channel, period, f.kind(), f.level(),
                        true, r.firstFired(), now, now, Optional.empty());
            }
            case REMINDER -> {
                AlertRecord r = last.orElseThrow();
                yield new AlertRecord(r.rule(), r.condition(), r.group(), channel, period, f.kind(), r.level(),
                        true, r.firstFired(), r.lastFired(), now, Optional.empty());
            }
            case RESOLVED -> {
                AlertRecord r = last.orElseThrow();
                yield new AlertRecord(r.rule(), r.condition(), r.group(), channel, r.periodStart(), f.kind(),
                        r.level(), false, r.firstFired(), r.lastFired(), now, Optional.of(now));
            }
        };
    }
}

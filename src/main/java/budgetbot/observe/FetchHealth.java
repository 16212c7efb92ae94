package budgetbot.observe;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The last fetch outcome of each rule, in memory: when its usage was last fetched, and since when and why its
 * fetches fail. {@code app.Checker} records every check; {@code /healthz} and the status page read it. A rule
 * never checked has no entry.
 */
public final class FetchHealth {
    /**
     * One rule's fetching.
     *
     * @param lastSuccess  the last check whose usage was fetched
     * @param failingSince the first of the checks failing since then; empty while fetching works
     * @param lastError    why the last check failed; empty while fetching works
     */
    public record Status(Optional<Instant> lastSuccess, Optional<Instant> failingSince, Optional<String> lastError) {
        public Status {
            Objects.requireNonNull(lastSuccess, "lastSuccess");
            Objects.requireNonNull(failingSince, "failingSince");
            Objects.requireNonNull(lastError, "lastError");
        }

        /** Failing for longer than {@code staleAfter} as of {@code now}: the rule's alerts are blind. */
        public boolean staleAt(Instant now, Duration staleAfter) {
            return failingSince.filter(since -> Duration.between(since, now).compareTo(staleAfter) > 0).isPresent();
        }
    }

    private final ConcurrentMap<String, Status> rules = new ConcurrentHashMap<>();

    public void succeeded(String rule, Instant at) {
        rules.put(rule, new Status(Optional.of(at), Optional.empty(), Optional.empty()));
    }

    /** A failure keeps the moment the failures began. */
    public void failed(String rule, Instant at, String error) {
        rules.merge(rule, new Status(Optional.empty(), Optional.of(at), Optional.of(error)),
                (old, failure) -> new Status(old.lastSuccess(), old.failingSince().or(failure::failingSince),
                        failure.lastError()));
    }

    public Optional<Status> of(String rule) {
        return Optional.ofNullable(rules.get(rule));
    }
}

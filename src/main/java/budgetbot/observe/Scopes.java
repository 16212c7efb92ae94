package budgetbot.observe;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What each rule could see at its last check: how many of its series UCloud serves, and what it names that UCloud
 * cannot serve (an unknown key or model, one not granted, disabled or expired), in the words of the notice that
 * announced it. {@code app.Checker} records every check; {@code /healthz}, the status page and {@code /metrics}
 * read it, so a rule that sees nothing does not look fine.
 */
public final class Scopes {
    /** A rule's scope as its last check found it. */
    public record Scope(Instant at, int series, List<String> problems) {
        public Scope {
            Objects.requireNonNull(at, "at");
            problems = List.copyOf(problems);
        }

        /** Nothing it watches can be seen: every key or model it names is one UCloud cannot serve. */
        public boolean blind() {
            return series == 0 && !problems.isEmpty();
        }
    }

    private final Map<String, Scope> scopes = new ConcurrentHashMap<>();

    public void record(String rule, Scope scope) {
        scopes.put(rule, scope);
    }

    public Optional<Scope> of(String rule) {
        return Optional.ofNullable(scopes.get(rule));
    }
}

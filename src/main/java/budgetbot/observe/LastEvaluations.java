package budgetbot.observe;

import budgetbot.rules.Finding;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** The findings of each rule's last successful check, in memory: where every budget stands, for gauges and the status page. */
public final class LastEvaluations {
    /** What one check of a rule found, as of {@code at}. */
    public record Evaluation(Instant at, List<Finding> findings) {
        public Evaluation {
            Objects.requireNonNull(at, "at");
            findings = List.copyOf(findings);
        }
    }

    private final ConcurrentMap<String, Evaluation> rules = new ConcurrentHashMap<>();

    public void record(String rule, Instant at, List<Finding> findings) {
        rules.put(rule, new Evaluation(at, findings));
    }

    public Optional<Evaluation> of(String rule) {
        return Optional.ofNullable(rules.get(rule));
    }
}

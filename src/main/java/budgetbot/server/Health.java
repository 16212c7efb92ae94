package budgetbot.server;

import budgetbot.app.App;
import budgetbot.config.RuleConfig;
import budgetbot.observe.FetchHealth;
import budgetbot.observe.Scopes;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * What {@code /healthz} answers: healthy when the scheduler runs, the state database answers, and no rule's usage
 * has failed to be fetched for longer than its {@code staleAfter}. Otherwise it names each failing part and since
 * when: a rule since its first failing check, the scheduler and database since the first health check that found
 * them failing. A rule that names only keys and models UCloud cannot serve sees nothing: the bot is then
 * {@code degraded} (still 200, since restarting it would not mend its configuration), and each rule lists what it
 * names that UCloud cannot serve, blind or not. A channel that has not delivered for {@link #UNDELIVERED_AFTER} (its
 * oldest waiting notification is that old and its last attempt failed) is degraded too: people on it hear nothing,
 * and restarting would not mend the channel either.
 */
final class Health {
    /** Longer than this and the database counts as not answering; a probe must not hang on a dead pool. */
    static final Duration DATABASE_TIMEOUT = Duration.ofSeconds(3);
    /** Beyond the outbox's first retries (30 s doubling): a channel failing this long is down, not hiccuping. */
    static final Duration UNDELIVERED_AFTER = Duration.ofMinutes(15);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One failing part. */
    record Failure(String component, String problem, Instant since) {
    }

    /**
     * The answer: healthy when nothing fails; {@code reloading} while a changed configuration is applied; degraded
     * when it works but a rule sees nothing or a channel delivers nothing.
     */
    record Report(Instant at, boolean reloading, List<Failure> failures, List<Failure> blind,
                  List<Failure> undelivered, List<RuleFetch> rules) {
        boolean healthy() {
            return failures.isEmpty();
        }

        String status() {
            return !healthy() ? "failing" : reloading ? "reloading"
                    : blind.isEmpty() && undelivered.isEmpty() ? "ok" : "degraded";
        }

        /** Only whether it is well: what a caller without a login may know. */
        String statusJson() {
            return JSON.createObjectNode().put("status", status()).toPrettyString() + "\n";
        }

        String json() {
            ObjectNode root = JSON.createObjectNode();
            root.put("status", status()).put("at", at.toString());
            failures(root.putArray("failing"), failures);
            failures(root.putArray("blind"), blind);
            failures(root.putArray("undelivered"), undelivered);
            ArrayNode ruleNodes = root.putArray("rules");
            for (RuleFetch r : rules) {
                ObjectNode n = ruleNodes.addObject().put("rule", r.rule()).put("stale", r.stale())
                        .put("staleAfter", r.staleAfter().toString());
                r.status().flatMap(FetchHealth.Status::lastSuccess).ifPresent(t -> n.put("lastSuccess", t.toString()));
                r.status().flatMap(FetchHealth.Status::failingSince).ifPresent(t -> n.put("failingSince", t.toString()));
                r.status().flatMap(FetchHealth.Status::lastError).ifPresent(e -> n.put("lastError", e));
                r.scope().ifPresent(s -> {
                    n.put("series", s.series());
                    ArrayNode problems = n.putArray("problems");
                    s.problems().forEach(problems::add);
                });
            }
            return root.toPrettyString() + "\n";
        }

        private static void failures(ArrayNode to, List<Failure> failures) {
            failures.forEach(f -> to.addObject().put("component", f.component()).put("problem", f.problem())
                    .put("since", f.since().toString()));
        }
    }

    /**
     * A rule's fetching as the report states it; {@code status} and {@code scope} are empty until the rule's first
     * check ({@code scope} also while UCloud's keys could not be listed).
     */
    record RuleFetch(String rule, Duration staleAfter, Optional<FetchHealth.Status> status, boolean stale,
                     Optional<Scopes.Scope> scope) {
    }

    private final BooleanSupplier schedulerRunning;
    private final BooleanSupplier reloading;
    private final ExecutorService executor;
    private final Map<String, Instant> firstSeenFailing = new ConcurrentHashMap<>();

    /**
     * @param reloading whether a changed configuration is being applied: the scheduler is then between the old and
     *                  the new one, which is no failure
     * @param executor  runs the database probe, so that it can be given up on
     */
    Health(BooleanSupplier schedulerRunning, BooleanSupplier reloading, ExecutorService executor) {
        this.schedulerRunning = Objects.requireNonNull(schedulerRunning, "schedulerRunning");
        this.reloading = Objects.requireNonNull(reloading, "reloading");
        this.executor = Objects.requireNonNull(executor, "executor");
    }

    Report check(App app) {
        Instant now = app.clock().instant();
        List<Failure> failures = new ArrayList<>();
        boolean reload = reloading.getAsBoolean();
        track(failures, "scheduler", reload || schedulerRunning.getAsBoolean() ? Optional.empty()
                : Optional.of("not running"), now);
        track(failures, "database", database(app), now);
        List<RuleFetch> rules = new ArrayList<>();
        List<Failure> blind = new ArrayList<>();
        for (RuleConfig rule : app.config().rules()) {
            Optional<FetchHealth.Status> status = app.telemetry().fetches().of(rule.name());
            boolean stale = status.filter(s -> s.staleAt(now, rule.staleAfter())).isPresent();
            if (stale) {
                failures.add(new Failure("rule " + rule.name(), "usage could not be fetched for longer than "
                        + "staleAfter " + text(rule.staleAfter()) + ": "
                        + status.get().lastError().orElse(""), status.get().failingSince().orElseThrow()));
            }
            Optional<Scopes.Scope> scope = app.telemetry().scopes().of(rule.name());
            scope.filter(Scopes.Scope::blind).ifPresent(s -> blind.add(new Failure("rule " + rule.name(),
                    "UCloud serves none of the keys and models it names: " + String.join("; ", s.problems()),
                    s.at())));
            rules.add(new RuleFetch(rule.name(), rule.staleAfter(), status, stale, scope));
        }
        boolean databaseAnswers = failures.stream().noneMatch(f -> f.component().equals("database"));
        return new Report(now, reload, failures, blind, databaseAnswers ? undelivered(app, now) : List.of(), rules);
    }

    /** The channels whose oldest waiting notification is {@link #UNDELIVERED_AFTER} old and failed last time. */
    private static List<Failure> undelivered(App app, Instant now) {
        return app.outbox().backlog().stream()
                .filter(b -> b.lastError().isPresent() && !b.oldest().isAfter(now.minus(UNDELIVERED_AFTER)))
                .map(b -> new Failure("channel " + b.channel(), b.pending() + " notification"
                        + (b.pending() == 1 ? "" : "s") + " not delivered; the last attempt failed: "
                        + b.lastError().get(), b.oldest()))
                .toList();
    }

    /** {@code 30m}, {@code 1h30m}: a duration as rules.yml writes it. */
    static String text(Duration d) {
        return d.toString().substring(2).toLowerCase(Locale.ROOT);
    }

    private void track(List<Failure> failures, String component, Optional<String> problem, Instant now) {
        if (problem.isEmpty()) {
            firstSeenFailing.remove(component);
            return;
        }
        failures.add(new Failure(component, problem.get(), firstSeenFailing.computeIfAbsent(component, c -> now)));
    }

    private Optional<String> database(App app) {
        Future<Boolean> probe = executor.submit(() -> app.store().autoCommit("probe the state database",
                c -> c.isValid((int) DATABASE_TIMEOUT.toSeconds())));
        try {
            return probe.get(DATABASE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS) ? Optional.empty()
                    : Optional.of("the connection is not valid");
        } catch (TimeoutException e) {
            probe.cancel(true);
            return Optional.of("no answer within " + DATABASE_TIMEOUT.toSeconds() + " s");
        } catch (ExecutionException e) {
            return Optional.of(e.getCause().getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted");
        }
    }
}

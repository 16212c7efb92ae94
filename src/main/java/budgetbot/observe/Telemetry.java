package budgetbot.observe;

import budgetbot.config.RuleConfig;
import budgetbot.delivery.Backlog;
import budgetbot.notify.Notifier;
import budgetbot.render.Amounts;
import budgetbot.rules.Finding;
import budgetbot.rules.Kind;
import budgetbot.usage.UsageSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What the process knows about itself for operators, across config reloads: the Prometheus registry with every
 * budgetbot meter, each rule's fetch health and last evaluation, and the last config reload. {@code run} makes
 * one and hands it to each {@code App} it opens; other commands get one of their own that nobody reads.
 */
public final class Telemetry implements AutoCloseable {
    private final PrometheusMeterRegistry registry;
    private final Optional<JvmGcMetrics> gc;
    private final FetchHealth fetches = new FetchHealth();
    private final LastEvaluations evaluations = new LastEvaluations();
    private final Scopes scopes = new Scopes();
    private final AtomicReference<Optional<Reload>> lastReload = new AtomicReference<>(Optional.empty());
    private final MultiGauge activeAlerts;
    private final MultiGauge usage;
    private final MultiGauge budgetRatio;
    private final MultiGauge pending;
    private final MultiGauge scopeProblems;
    private final MultiGauge actions;
    private final AtomicReference<Double> oldestPending = new AtomicReference<>(0.0);

    /** A config reload: applied when {@code error} is empty. */
    public record Reload(Instant at, Optional<String> error) {
        public Reload {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(error, "error");
        }
    }

    private Telemetry(boolean jvm) {
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        if (jvm) {
            new ClassLoaderMetrics().bindTo(registry);
            new JvmMemoryMetrics().bindTo(registry);
            new JvmThreadMetrics().bindTo(registry);
            new ProcessorMetrics().bindTo(registry);
            new UptimeMetrics().bindTo(registry);
            JvmGcMetrics gcMetrics = new JvmGcMetrics();
            gcMetrics.bindTo(registry);
            gc = Optional.of(gcMetrics);
        } else {
            gc = Optional.empty();
        }
        activeAlerts = MultiGauge.builder("budgetbot.alerts.active")
                .description("Conditions holding at the rule's last check, by level (budget threshold, forecast, growth)")
                .register(registry);
        usage = MultiGauge.builder("budgetbot.usage")
                .description("Usage in the current period so far at the rule's last check, per group")
                .register(registry);
        budgetRatio = MultiGauge.builder("budgetbot.budget.ratio")
                .description("Usage as a share of the budget's limit at the rule's last check (1 = all used)")
                .register(registry);
        scopeProblems = MultiGauge.builder("budgetbot.rule.scope.problems")
                .description("Keys and models a rule names that UCloud cannot serve, at its last check")
                .register(registry);
        actions = MultiGauge.builder("budgetbot.actions").description("Budget actions on UCloud keys, by status"
                + " (pending, applied, rejected, failed, reverted)").register(registry);
        pending = MultiGauge.builder("budgetbot.notifications.pending")
                .description("Notifications waiting for delivery, per channel").register(registry);
        Gauge.builder("budgetbot.outbox.oldest.pending.age", oldestPending, AtomicReference::get).baseUnit("seconds")
                .description("Age of the oldest notification waiting for delivery; 0 when none waits")
                .register(registry);
        Gauge.builder("budgetbot.config.last.reload.successful", lastReload,
                        r -> r.get().map(reload -> reload.error().isEmpty() ? 1.0 : 0.0).orElse(1.0))
                .description("0 when the last change of the config file could not be applied (see the status page)")
                .register(registry);
    }

    /** For {@code run}: budgetbot's meters and the JVM's (memory, GC, threads, classes, CPU, uptime). */
    public static Telemetry withJvmMetrics() {
        return new Telemetry(true);
    }

    /** budgetbot's meters only, for a command that runs once. */
    public static Telemetry create() {
        return new Telemetry(false);
    }

    public MeterRegistry registry() {
        return registry;
    }

    public FetchHealth fetches() {
        return fetches;
    }

    public LastEvaluations evaluations() {
        return evaluations;
    }

    /** What each rule could see at its last check. */
    public Scopes scopes() {
        return scopes;
    }

    public Optional<Reload> lastReload() {
        return lastReload.get();
    }

    /** A check of {@code rule} fetched its usage at {@code now} and found {@code findings}. */
    public void checked(String rule, Instant now, List<Finding> findings) {
        fetches.succeeded(rule, now);
        evaluations.record(rule, now, findings);
        evaluationCounter(rule, "ok").increment();
    }

    /** A check of {@code rule} could not fetch its usage at {@code now}. */
    public void checkFailed(String rule, Instant now, String error) {
        fetches.failed(rule, now, error);
        evaluationCounter(rule, "failed").increment();
    }

    /** A changed config file was applied ({@code error} empty), or rejected for {@code error}. */
    public void reloaded(Instant at, Optional<String> error) {
        lastReload.set(Optional.of(new Reload(at, error)));
        Counter.builder("budgetbot.config.reloads").description("Config file changes seen by run")
                .tag("outcome", error.isEmpty() ? "applied" : "failed").register(registry).increment();
    }

    /** {@code source} with every fetch counted by outcome and UCloud RetCode, and timed. */
    public UsageSource metered(UsageSource source) {
        return new MeteredSource(source, registry);
    }

    /** {@code notifier} with every send counted as sent or failed for {@code channel}. */
    public Notifier metered(String channel, Notifier notifier) {
        return new MeteredNotifier(channel, notifier, registry);
    }

    /**
     * The Prometheus text exposition, with the gauges of rules and deliveries brought up to date first.
     *
     * @param rules   the rules of the configuration running now; others are left out
     * @param backlog the undelivered notifications per channel
     */
    public String scrape(List<RuleConfig> rules, List<Backlog> backlog, Instant now) {
        return scrape(rules, backlog, Map.of(), now);
    }

    /** As {@link #scrape(List, List, Instant)}, with the number of budget actions in each status. */
    public String scrape(List<RuleConfig> rules, List<Backlog> backlog, Map<String, Long> actionsByStatus, Instant now) {
        actions.register(actionsByStatus.entrySet().stream().map(e -> MultiGauge.Row.of(Tags.of("status", e.getKey()),
                e.getValue())).toList(), true);
        List<MultiGauge.Row<?>> alerts = new ArrayList<>();
        Map<Tags, BigDecimal> used = new LinkedHashMap<>();
        List<MultiGauge.Row<?>> ratios = new ArrayList<>();
        for (RuleConfig rule : rules) {
            List<Finding> findings = evaluations.of(rule.name()).map(LastEvaluations.Evaluation::findings)
                    .orElse(List.of());
            Map<String, Long> byLevel = new LinkedHashMap<>();
            for (Finding f : findings) {
                if (f.active()) {
                    byLevel.merge(level(f), 1L, Long::sum);
                }
                if (f.kind() != Kind.FORECAST) {
                    used.put(Tags.of("rule", rule.name(), "group", f.group(), "metric", f.metric().yamlName(),
                            "period", f.period().yamlName()), f.used());
                }
                if (f.kind() == Kind.BUDGET && f.limit().filter(l -> l.signum() > 0).isPresent()) {
                    ratios.add(MultiGauge.Row.of(Tags.of("rule", rule.name(), "group", f.group(), "budget",
                            f.condition()), f.used().divide(f.limit().get(), MathContext.DECIMAL64)));
                }
            }
            byLevel.forEach((level, n) -> alerts.add(MultiGauge.Row.of(Tags.of("rule", rule.name(), "level", level), n)));
        }
        activeAlerts.register(alerts, true);
        scopeProblems.register(rules.stream().flatMap(r -> scopes.of(r.name()).stream()
                .map(s -> MultiGauge.Row.of(Tags.of("rule", r.name()), s.problems().size()))).toList(), true);
        usage.register(used.entrySet().stream().map(e -> MultiGauge.Row.of(e.getKey(), e.getValue())).toList(), true);
        budgetRatio.register(ratios, true);
        pending.register(backlog.stream().map(b -> MultiGauge.Row.of(Tags.of("channel", b.channel()), b.pending()))
                .toList(), true);
        oldestPending.set(backlog.stream().map(Backlog::oldest).min(Instant::compareTo)
                .map(t -> Duration.between(t, now).toMillis() / 1000.0).orElse(0.0));
        return registry.scrape();
    }

    /** {@code 80%} for a budget's threshold, {@code forecast} or {@code growth} otherwise. */
    private static String level(Finding f) {
        return f.kind() == Kind.BUDGET ? Amounts.percent(f.level(), 1, RoundingMode.DOWN)
                : f.kind().name().toLowerCase(Locale.ROOT);
    }

    private Counter evaluationCounter(String rule, String outcome) {
        return Counter.builder("budgetbot.rule.evaluations").description("Checks of a rule, by whether its usage "
                + "could be fetched").tags("rule", rule, "outcome", outcome).register(registry);
    }

    @Override
    public void close() {
        gc.ifPresent(JvmGcMetrics::close);
        registry.close();
    }
}

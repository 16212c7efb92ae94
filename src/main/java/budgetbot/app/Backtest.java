package budgetbot.app;

import budgetbot.backtest.BacktestReport;
import budgetbot.backtest.Notification;
import budgetbot.backtest.ReplayLog;
import budgetbot.config.RuleConfig;
import budgetbot.render.NoticeFormatter;
import budgetbot.render.Outgoing;
import budgetbot.state.Notice;
import budgetbot.usage.LogContext;
import budgetbot.usage.UsageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Replays the rules over past usage: {@code check} as of every step from one moment to another, on a fresh state in
 * memory ({@link App#replica()}), so that the timeline is what a series of checks on a fresh database would have
 * sent, by the same evaluation, alert policy and message merging. Nothing is sent; the app's own state is not read
 * or written, only its usage cache.
 */
public final class Backtest {
    private static final Logger log = LoggerFactory.getLogger(Backtest.class);

    private final App app;

    public Backtest(App app) {
        this.app = app;
    }

    /**
     * Checks as of {@code from}, {@code from + step}, … up to and including {@code to}. Each rule's checks depend
     * on nothing of the other rules' (their states, notices and messages are apart), so rules are replayed side by
     * side, each in time order.
     *
     * @throws UsageException when a rule's usage could not be fetched at some step: a timeline with a gap would
     *                        say less than the truth
     */
    public BacktestReport replay(Instant from, Instant to, Duration step, Optional<String> onlyRule) {
        if (to.isBefore(from) || step.isNegative() || step.isZero()) {
            throw new IllegalArgumentException("a backtest needs from <= to and a positive step");
        }
        List<RuleConfig> rules = app.config().rules().stream()
                .filter(r -> onlyRule.isEmpty() || onlyRule.get().equals(r.name())).toList();
        ReplayLog replay = new ReplayLog(rules, from, to, step, app.config().calendar().zone(),
                app.config().prices().currency());
        Instant started = app.clock().instant();
        int threads = Math.max(1, Math.min(rules.size(), Runtime.getRuntime().availableProcessors()));
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "backtest");
            t.setDaemon(true);
            return t;
        });
        try (App replica = app.replica()) {
            Checker checker = new Checker(replica);
            List<Future<?>> running = rules.stream().<Future<?>>map(rule -> pool.submit(LogContext.carried(() -> {
                replayRule(checker, rule.name(), replay);
                return null;
            }))).toList();
            for (Future<?> f : running) {
                await(f, running);
            }
        } finally {
            pool.shutdownNow();
        }
        BacktestReport report = replay.report();
        log.info("backtest of {} rules over {} steps: {} notifications in {} ms", rules.size(), report.steps(),
                report.timeline().size(), Duration.between(started, app.clock().instant()).toMillis());
        return report;
    }

    private void replayRule(Checker checker, String rule, ReplayLog replay) {
        List<Instant> times = replay.times();
        for (int i = 0; i < times.size() && !Thread.currentThread().isInterrupted(); i++) {
            Instant at = times.get(i);
            for (Checker.Outcome o : checker.check(at, Optional.of(rule), false)) {
                if (o.error().isPresent()) {
                    throw new UsageException("usage of rule " + o.rule() + " as of "
                            + at.atZone(app.config().calendar().zone()).toOffsetDateTime() + " could not be fetched: "
                            + o.error().get(), null);
                }
                replay.checked(o.rule(), i, o.findings(), notifications(at, o), o.due());
            }
        }
    }

    /** Waits for one rule's replay; its failure stops the others and is thrown. */
    private static void await(Future<?> f, List<Future<?>> all) {
        try {
            f.get();
        } catch (ExecutionException e) {
            all.forEach(other -> other.cancel(true));
            throw e.getCause() instanceof RuntimeException re ? re
                    : new IllegalStateException("backtest failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            all.forEach(other -> other.cancel(true));
            Thread.currentThread().interrupt();
            throw new IllegalStateException("backtest interrupted", e);
        }
    }

    /**
     * What the check sent: notices to each of the rule's channels, and one message per channel, rule and group (or
     * one per channel for a burst).
     */
    private List<Notification> notifications(Instant at, Checker.Outcome o) {
        List<Notification> sent = new ArrayList<>();
        List<String> channels = app.config().rule(o.rule()).map(RuleConfig::channels).orElse(List.of());
        for (Notice n : o.notices()) {
            String subject = NoticeFormatter.format(n).subject();
            channels.forEach(c -> sent.add(new Notification(at, o.rule(), "", c, subject, List.of(), Optional.of(n))));
        }
        for (Outgoing m : o.messages()) {
            sent.add(new Notification(at, o.rule(), m.events().get(0).finding().group(), m.channel(),
                    m.message().subject(), m.events(), Optional.empty()));
        }
        return sent;
    }
}

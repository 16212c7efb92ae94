package budgetbot.app;

import budgetbot.backtest.BacktestReport;
import budgetbot.backtest.Notification;
import budgetbot.backtest.ReplayLog;
import budgetbot.config.RuleConfig;
import budgetbot.render.NoticeFormatter;
import budgetbot.render.Outgoing;
import budgetbot.state.Notice;
import budgetbot.usage.UsageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

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
     * Checks as of {@code from}, {@code from + step}, … up to and including {@code to}.
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
        try (App replica = app.replica()) {
            Checker checker = new Checker(replica);
            for (Instant at = from; !at.isAfter(to); at = at.plus(step)) {
                replay.step(at);
                for (Checker.Outcome o : checker.check(at, onlyRule, false)) {
                    if (o.error().isPresent()) {
                        throw new UsageException("usage of rule " + o.rule() + " as of " + at
                                + " could not be fetched: " + o.error().get(), null);
                    }
                    replay.checked(o.rule(), o.findings(), notifications(at, o));
                }
            }
        }
        BacktestReport report = replay.report();
        log.info("backtest of {} rules over {} steps: {} notifications in {} ms", rules.size(), report.steps(),
                report.timeline().size(), Duration.between(started, app.clock().instant()).toMillis());
        return report;
    }

    /** What the check sent: notices to each of the rule's channels, and one message per channel, rule and group. */
    private List<Notification> notifications(Instant at, Checker.Outcome o) {
        List<Notification> sent = new ArrayList<>();
        List<String> channels = app.config().rule(o.rule()).map(RuleConfig::channels).orElse(List.of());
        for (Notice n : o.notices()) {
            String subject = NoticeFormatter.format(n).subject();
            channels.forEach(c -> sent.add(new Notification(at, o.rule(), "", c, subject, List.of(), Optional.of(n))));
        }
        for (Outgoing m : Outgoing.of(o.announced())) {
            sent.add(new Notification(at, o.rule(), m.events().get(0).finding().group(), m.channel(),
                    m.message().subject(), m.events(), Optional.empty()));
        }
        return sent;
    }
}

package budgetbot.backtest;

import budgetbot.guard.Action;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * What the rules would have sent had {@code check} run at every step from {@code from} to {@code to}.
 *
 * @param steps how many moments were checked
 */
public record BacktestReport(Instant from, Instant to, Duration step, int steps, ZoneId zone, String currency,
                             List<RuleReport> rules) {
    public BacktestReport {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(step, "step");
        Objects.requireNonNull(zone, "zone");
        Objects.requireNonNull(currency, "currency");
        rules = List.copyOf(rules);
    }

    /** Every notification of every rule, in time order (rules in configuration order at the same moment). */
    public List<Notification> timeline() {
        return rules.stream().flatMap(r -> r.notifications().stream())
                .sorted(Comparator.comparing(Notification::at)).toList();
    }

    /** Every budget action every rule would have triggered, in time order. */
    public List<Action> actions() {
        return rules.stream().flatMap(r -> r.actions().stream()).sorted(Comparator.comparing(Action::createdAt))
                .toList();
    }

    /** The span replayed, in days (for rates such as alerts a day). */
    public double days() {
        return Duration.between(from, to).toSeconds() / 86_400.0;
    }
}

package budgetbot.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One watched scope (keys x models) with its budgets and growth checks.
 *
 * @param schedule Quartz cron expression
 * @param channels the channel names of {@code notify:} (a record cannot have a component named notify)
 * @param repeat   re-announce an alert that still holds after this long; empty = once per level per period
 * @param staleAfter how long the rule's usage may fail to be fetched before the bot reports itself unhealthy
 */
public record RuleConfig(String name, String schedule, List<String> keys, List<String> models, GroupBy groupBy,
                         List<Budget> budgets, List<Growth> growth, List<String> channels, Optional<Duration> repeat,
                         Duration staleAfter) {
    public RuleConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(schedule, "schedule");
        keys = List.copyOf(keys);
        models = List.copyOf(models);
        Objects.requireNonNull(groupBy, "groupBy");
        budgets = List.copyOf(budgets);
        growth = List.copyOf(growth);
        channels = List.copyOf(channels);
        Objects.requireNonNull(repeat, "repeat");
        Objects.requireNonNull(staleAfter, "staleAfter");
    }
}

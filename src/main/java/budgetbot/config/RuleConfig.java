package budgetbot.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One watched scope (keys x models) with its budgets and growth checks.
 *
 * @param schedule   Quartz cron expression
 * @param keys       API key ids, or {@code *} for every enabled key of the project
 * @param models     models, or {@code *} for every model each key may call
 * @param channels   the channel names of {@code notify:} (a record cannot have a component named notify)
 * @param repeat     re-announce an alert that still holds after this long; empty = once per level per period
 * @param staleAfter how long fetching the rule's usage may keep failing before that is announced
 */
public record RuleConfig(String name, String schedule, Selection keys, Selection models, GroupBy groupBy,
                         List<Budget> budgets, List<Growth> growth, List<String> channels, Optional<Duration> repeat,
                         Duration staleAfter) {
    public RuleConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(schedule, "schedule");
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(models, "models");
        Objects.requireNonNull(groupBy, "groupBy");
        budgets = List.copyOf(budgets);
        growth = List.copyOf(growth);
        channels = List.copyOf(channels);
        Objects.requireNonNull(repeat, "repeat");
        Objects.requireNonNull(staleAfter, "staleAfter");
    }

    /** This rule watching exactly these keys and models: what its {@code *} stands for, or what UCloud serves. */
    public RuleConfig withScope(List<String> keys, List<String> models) {
        return new RuleConfig(name, schedule, Selection.of(keys), Selection.of(models), groupBy, budgets, growth,
                channels, repeat, staleAfter);
    }

    /** Whether the rule names {@code *} for its keys or its models. */
    public boolean discovers() {
        return keys.every() || models.every();
    }
}

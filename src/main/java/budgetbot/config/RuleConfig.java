package budgetbot.config;

import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One watched scope (keys x models) with its budgets, growth checks and anomaly checks.
 *
 * @param schedule   Quartz cron expression
 * @param keys       API key ids, or {@code *} for every enabled key of the project
 * @param models     models, or {@code *} for every model each key may call
 * @param channels   the channel names of {@code notify:} (a record cannot have a component named notify)
 * @param repeat     re-announce an alert that still holds after this long; empty = once per level per period
 * @param staleAfter how long fetching the rule's usage may keep failing before that is announced
 * @param quietDates local days left out of anomaly baselines (and not scored): the file's and the rule's
 * @param summarizeAbove when one check announces more groups than this to a channel, they go as one message
 * @param quota      alerts on each key's own UCloud limits, if asked for
 */
public record RuleConfig(String name, String schedule, Selection keys, Selection models, GroupBy groupBy,
                         List<Budget> budgets, List<Growth> growth, List<String> channels, Optional<Duration> repeat,
                         Duration staleAfter, List<Anomaly> anomaly, Set<LocalDate> quietDates, int summarizeAbove,
                         Optional<Quota> quota) {
    /** A burst of more alerts than this from one check goes out as one message ({@code summarizeAbove}). */
    public static final int DEFAULT_SUMMARIZE_ABOVE = 3;

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
        anomaly = List.copyOf(anomaly);
        quietDates = Set.copyOf(quietDates);
        if (summarizeAbove < 1) {
            throw new IllegalArgumentException("summarizeAbove < 1: " + summarizeAbove);
        }
        Objects.requireNonNull(quota, "quota");
    }

    /** A rule without quota alerts. */
    public RuleConfig(String name, String schedule, Selection keys, Selection models, GroupBy groupBy,
                      List<Budget> budgets, List<Growth> growth, List<String> channels, Optional<Duration> repeat,
                      Duration staleAfter, List<Anomaly> anomaly, Set<LocalDate> quietDates, int summarizeAbove) {
        this(name, schedule, keys, models, groupBy, budgets, growth, channels, repeat, staleAfter, anomaly, quietDates,
                summarizeAbove, Optional.empty());
    }

    /** A rule that summarizes bursts of more than {@link #DEFAULT_SUMMARIZE_ABOVE} groups. */
    public RuleConfig(String name, String schedule, Selection keys, Selection models, GroupBy groupBy,
                      List<Budget> budgets, List<Growth> growth, List<String> channels, Optional<Duration> repeat,
                      Duration staleAfter, List<Anomaly> anomaly, Set<LocalDate> quietDates) {
        this(name, schedule, keys, models, groupBy, budgets, growth, channels, repeat, staleAfter, anomaly, quietDates,
                DEFAULT_SUMMARIZE_ABOVE);
    }

    /** A rule without anomaly checks. */
    public RuleConfig(String name, String schedule, Selection keys, Selection models, GroupBy groupBy,
                      List<Budget> budgets, List<Growth> growth, List<String> channels, Optional<Duration> repeat,
                      Duration staleAfter) {
        this(name, schedule, keys, models, groupBy, budgets, growth, channels, repeat, staleAfter, List.of(), Set.of());
    }

    /** This rule watching exactly these keys and models: what its {@code *} stands for, or what UCloud serves. */
    public RuleConfig withScope(List<String> keys, List<String> models) {
        return new RuleConfig(name, schedule, Selection.of(keys), Selection.of(models), groupBy, budgets, growth,
                channels, repeat, staleAfter, anomaly, quietDates, summarizeAbove, quota);
    }

    /** Whether the rule names {@code *} for its keys or its models. */
    public boolean discovers() {
        return keys.every() || models.every();
    }

    /** Whether its only check is {@code quota:}: all it sees comes from UCloud's key listing, none from usage. */
    public boolean quotaOnly() {
        return quota.isPresent() && budgets.isEmpty() && growth.isEmpty() && anomaly.isEmpty();
    }
}

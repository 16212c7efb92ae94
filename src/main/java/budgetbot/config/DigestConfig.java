package budgetbot.config;

import budgetbot.time.PeriodUnit;

import java.util.List;
import java.util.Objects;

/**
 * A scheduled summary of the previous complete period.
 *
 * @param rules  rules whose scope (keys x models), budgets and alerts the digest covers
 * @param keys   extra keys to cover besides the rules' (may be empty)
 * @param models models for {@code keys} (may be empty when keys is empty)
 * @param channels the channel names of {@code notify:}
 * @param top    how many top movers and consumers to list
 */
public record DigestConfig(String name, String schedule, PeriodUnit period, List<String> rules, List<String> keys,
                           List<String> models, List<String> channels, int top) {
    public DigestConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(schedule, "schedule");
        Objects.requireNonNull(period, "period");
        rules = List.copyOf(rules);
        keys = List.copyOf(keys);
        models = List.copyOf(models);
        channels = List.copyOf(channels);
    }
}

package budgetbot.rules;

import budgetbot.config.Metric;
import budgetbot.config.Prices;
import budgetbot.config.Quota;
import budgetbot.config.RuleConfig;
import budgetbot.time.PeriodCalendar;
import budgetbot.time.PeriodUnit;
import budgetbot.time.Window;
import budgetbot.usage.ApiKey;
import budgetbot.usage.KeyLimits;
import budgetbot.usage.Series;
import budgetbot.usage.Usage;
import budgetbot.usage.UsageTotals;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A rule's {@code quota:} against each key's own UCloud limits as listed: a finding per key in the rule's scope and
 * limit it has (daily, monthly), at the highest threshold its use reached. Keys without a limit have none. Pure: the
 * listing and the moment are given.
 */
public final class QuotaCheck {
    /** Conditions of the daily and monthly limit; the group is the key. */
    public static final String DAILY = "quota:daily";
    public static final String MONTHLY = "quota:monthly";
    /** How a time to the limit was measured: at the recent rate valued at the prices, or the average one. */
    public static final String PRICED = " (usage × prices)";
    public static final String AVERAGE = "average rate of the period so far";

    private QuotaCheck() {
    }

    /**
     * What to fetch for the recent rate of the keys near a limit ({@link #evaluate}): each key in scope at or above
     * its first threshold, with every model UCloud lists for it, over the recent span of its longest limited period
     * (a month's span holds a day's). Empty without prices, when they are not in UCloud's billing currency (a cost
     * in another currency cannot approach a limit), or when no key is near a limit: keys far from theirs cost no call.
     */
    public static Optional<Recent> recentUsage(RuleConfig rule, List<ApiKey> listed, Instant at,
                                               PeriodCalendar calendar, Prices prices, String billingCurrency) {
        if (rule.quota().isEmpty() || prices.models().isEmpty() || !prices.currency().equals(billingCurrency)) {
            return Optional.empty();
        }
        BigDecimal first = rule.quota().get().thresholds().get(0);
        Set<String> scope = Set.copyOf(rule.keys().values());
        List<Series> series = new ArrayList<>();
        Instant from = at;
        for (ApiKey key : listed) {
            if (!scope.contains(key.id()) || key.models().isEmpty()) {
                continue;
            }
            for (PeriodUnit unit : List.of(PeriodUnit.DAY, PeriodUnit.MONTH)) {
                KeyLimits.Limit limit = unit == PeriodUnit.DAY ? key.limits().daily() : key.limits().monthly();
                if (limit.limited() && limit.used().compareTo(first.multiply(limit.amount())) >= 0) {
                    Instant start = Rate.recentSpan(calendar.periodOf(unit, at), at).start();
                    from = start.isBefore(from) ? start : from;
                    key.models().get().stream().map(m -> new Series(key.id(), m)).filter(s -> !series.contains(s))
                            .forEach(series::add);
                }
            }
        }
        return series.isEmpty() || !from.isBefore(at) ? Optional.empty()
                : Optional.of(new Recent(new Window(from, at), List.copyOf(series)));
    }

    /** The usage {@link #recentUsage} asks for: {@code series} over {@code window}. */
    public record Recent(Window window, List<Series> series) {
    }

    /**
     * The findings of {@code rule}'s quota over {@code listed} (keys outside the rule's scope are ignored).
     *
     * @param recent the usage {@link #recentUsage} asked for, by series (none when it was not, or could not be,
     *               fetched): a key's time to its limit is at its recent cost, valued at {@code prices}, where
     *               that is known, else at the average rate of the period so far
     */
    public static List<Finding> evaluate(RuleConfig rule, List<ApiKey> listed, Instant at, PeriodCalendar calendar,
                                         Prices prices, Map<Series, Usage> recent) {
        if (rule.quota().isEmpty()) {
            return List.of();
        }
        Quota quota = rule.quota().get();
        Set<String> scope = Set.copyOf(rule.keys().values());
        List<Finding> findings = new ArrayList<>();
        for (ApiKey key : listed) {
            if (!scope.contains(key.id())) {
                continue;
            }
            List<Usage> ofKey = recent.values().stream().filter(u -> u.series().keyId().equals(key.id())).toList();
            KeyLimits limits = key.limits();
            if (limits.daily().limited()) {
                findings.add(finding(rule, DAILY, key.id(), PeriodUnit.DAY, limits.daily(), quota, at, calendar,
                        prices, ofKey));
            }
            if (limits.monthly().limited()) {
                findings.add(finding(rule, MONTHLY, key.id(), PeriodUnit.MONTH, limits.monthly(), quota, at,
                        calendar, prices, ofKey));
            }
        }
        return List.copyOf(findings);
    }

    private static Finding finding(RuleConfig rule, String condition, String key, PeriodUnit unit,
                                   KeyLimits.Limit limit, Quota quota, Instant at, PeriodCalendar calendar,
                                   Prices prices, List<Usage> recent) {
        Window period = calendar.periodOf(unit, at);
        BigDecimal level = quota.thresholds().stream()
                .filter(t -> limit.used().compareTo(t.multiply(limit.amount())) >= 0)
                .reduce(BigDecimal.ZERO, BigDecimal::max);
        return new Finding(rule.name(), Kind.QUOTA, condition, key, Metric.COST, unit, period, level.signum() > 0,
                level, limit.used(), Optional.of(limit.amount()), Optional.empty(), Optional.empty(),
                projection(limit, period, at, recentCost(period, at, prices, recent)), List.of(), List.of(key),
                List.of());
    }

    /**
     * What the key spent over the recent span of {@code period}, valued at {@code prices}; empty when that is not
     * known: no usage fetched, a model without a price that was used, or no hourly buckets.
     */
    static Optional<Rate> recentCost(Window period, Instant at, Prices prices, List<Usage> recent) {
        if (recent.isEmpty()) {
            return Optional.empty();
        }
        Window span = Rate.recentSpan(period, at);
        Measure cost = new Measure(Metric.COST, prices);
        BigDecimal amount = BigDecimal.ZERO;
        for (Usage u : recent) {
            UsageTotals inSpan = Forecaster.sum(u.buckets(), span);
            boolean unpriced = prices.of(u.series().model()).isEmpty()
                    && inSpan.inputTokens() + inSpan.outputTokens() + inSpan.images() > 0;
            if (unpriced || !u.window().contains(span.start()) || !Forecaster.hasBuckets(u, cost)) {
                return Optional.empty();
            }
            amount = amount.add(cost.of(u.series(), inSpan));
        }
        return Optional.of(new Rate(amount, span.length(), Rate.recentMethod(span) + PRICED));
    }

    /**
     * When the key reaches its limit at {@code recent} cost, or else at the average rate of the period so far
     * (UCloud lists the use of the period, not its hours); nothing once it is reached or before anything is used.
     */
    static Optional<Projection> projection(KeyLimits.Limit limit, Window period, Instant at, Optional<Rate> recent) {
        Duration elapsed = Duration.between(period.start(), at);
        if (limit.used().signum() <= 0 || limit.reached() || elapsed.toSeconds() <= 0) {
            return Optional.empty();
        }
        Rate rate = recent.orElseGet(() -> new Rate(limit.used(), elapsed, AVERAGE));
        Duration left = Duration.between(at, period.end());
        BigDecimal total = limit.used().add(rate.over(left)).setScale(2, RoundingMode.HALF_UP);
        return Optional.of(new Projection(total, rate.timeToAdd(limit.amount().subtract(limit.used()), left)
                .map(at::plus), rate.method()));
    }
}

package budgetbot.rules;

import budgetbot.config.Metric;
import budgetbot.config.Quota;
import budgetbot.config.RuleConfig;
import budgetbot.time.PeriodCalendar;
import budgetbot.time.PeriodUnit;
import budgetbot.time.Window;
import budgetbot.usage.ApiKey;
import budgetbot.usage.KeyLimits;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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

    private QuotaCheck() {
    }

    /** The findings of {@code rule}'s quota over {@code listed} (keys outside the rule's scope are ignored). */
    public static List<Finding> evaluate(RuleConfig rule, List<ApiKey> listed, Instant at, PeriodCalendar calendar) {
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
            KeyLimits limits = key.limits();
            if (limits.daily().limited()) {
                findings.add(finding(rule, DAILY, key.id(), PeriodUnit.DAY, limits.daily(), quota, at, calendar));
            }
            if (limits.monthly().limited()) {
                findings.add(finding(rule, MONTHLY, key.id(), PeriodUnit.MONTH, limits.monthly(), quota, at,
                        calendar));
            }
        }
        return List.copyOf(findings);
    }

    private static Finding finding(RuleConfig rule, String condition, String key, PeriodUnit unit,
                                   KeyLimits.Limit limit, Quota quota, Instant at, PeriodCalendar calendar) {
        Window period = calendar.periodOf(unit, at);
        BigDecimal level = quota.thresholds().stream()
                .filter(t -> limit.used().compareTo(t.multiply(limit.amount())) >= 0)
                .reduce(BigDecimal.ZERO, BigDecimal::max);
        return new Finding(rule.name(), Kind.QUOTA, condition, key, Metric.COST, unit, period, level.signum() > 0,
                level, limit.used(), Optional.of(limit.amount()), Optional.empty(), Optional.empty(),
                projection(limit, period, at), List.of(), List.of(key), List.of());
    }

    /**
     * When the key reaches its limit at the average rate of the period so far (UCloud lists the use of the period,
     * not its hours); nothing once it is reached or before anything is used.
     */
    static Optional<Projection> projection(KeyLimits.Limit limit, Window period, Instant at) {
        long elapsed = Duration.between(period.start(), at).toSeconds();
        if (limit.used().signum() <= 0 || limit.reached() || elapsed <= 0) {
            return Optional.empty();
        }
        BigDecimal perSecond = limit.used().divide(BigDecimal.valueOf(elapsed), MathContext.DECIMAL64);
        long toLimit = limit.amount().subtract(limit.used()).divide(perSecond, 0, RoundingMode.CEILING).longValueExact();
        Instant reached = at.plusSeconds(toLimit);
        BigDecimal total = perSecond.multiply(BigDecimal.valueOf(period.length().toSeconds()))
                .setScale(2, RoundingMode.HALF_UP);
        return Optional.of(new Projection(total, reached.isBefore(period.end()) ? Optional.of(reached)
                : Optional.empty(), "average rate of the period so far"));
    }
}

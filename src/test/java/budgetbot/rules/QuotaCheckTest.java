package budgetbot.rules;

import budgetbot.config.GroupBy;
import budgetbot.config.Located;
import budgetbot.config.ModelPrice;
import budgetbot.config.Prices;
import budgetbot.config.Quota;
import budgetbot.config.RuleConfig;
import budgetbot.config.Selection;
import budgetbot.time.PeriodCalendar;
import budgetbot.time.Window;
import budgetbot.usage.ApiKey;
import budgetbot.usage.KeyLimits;
import budgetbot.usage.Series;
import budgetbot.usage.Usage;
import budgetbot.usage.UsageBucket;
import budgetbot.usage.UsageTotals;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A key's time to its UCloud limit: at its recent cost (usage × prices) where that is known, else at the average
 * rate of the period so far; and which usage is fetched for it.
 */
class QuotaCheckTest {
    private static final ZoneId CHINA = ZoneId.of("Asia/Shanghai");
    private static final PeriodCalendar CALENDAR = PeriodCalendar.of(CHINA);
    /** 16:00 in China: 16 hours of the day elapsed, so the recent span is the last 4 (from 12:00). */
    private static final Instant AT = local(16);
    private static final String KEY = "uminferapikey-prod";
    private static final String PRICED = "deepseek-ai/DeepSeek-R1";
    private static final String UNPRICED = "Qwen/QwQ-32B";
    /** CNY 10 per million input tokens: a million tokens an hour cost CNY 10 an hour. */
    private static final Prices PRICES = new Prices("CNY", Map.of(PRICED,
            new ModelPrice(BigDecimal.TEN, BigDecimal.ZERO, BigDecimal.ZERO)));

    private static Instant local(int hour) {
        return ZonedDateTime.of(2026, 11, 22, hour, 0, 0, 0, CHINA).toInstant();
    }

    private static RuleConfig rule() {
        return new RuleConfig("key-quota", "0 */5 * * * ?", Selection.of(List.of(KEY)), Selection.of(List.of()),
                GroupBy.KEY, List.of(), List.of(), List.of("ops"), Optional.empty(), Duration.ofMinutes(30), List.of(),
                Set.of(), 3, Optional.of(new Quota(List.of(new BigDecimal("0.8"), new BigDecimal("0.95")),
                Located.of("quota"))));
    }

    /** CNY 80 of a CNY 100 daily limit used by 16:00: on average CNY 5 an hour, so the limit at 20:00. */
    private static ApiKey key(String used) {
        return new ApiKey(KEY, "prod", true, Optional.empty(), Optional.of(List.of(PRICED, UNPRICED)),
                new KeyLimits(new KeyLimits.Limit(new BigDecimal("100"), new BigDecimal(used)), KeyLimits.Limit.NONE,
                        false));
    }

    /** {@code tokensPerHour} input tokens in every hour of the day up to 16:00. */
    private static Usage usage(String model, long tokensPerHour) {
        Window day = new Window(local(0), AT);
        long requests = tokensPerHour > 0 ? 1 : 0;
        List<UsageBucket> buckets = new ArrayList<>();
        for (int h = 0; h < 16; h++) {
            buckets.add(new UsageBucket(local(h), new UsageTotals(tokensPerHour, 0, tokensPerHour, requests, 0),
                    Map.of()));
        }
        UsageTotals total = new UsageTotals(16 * tokensPerHour, 0, 16 * tokensPerHour, 16 * requests, 0);
        return new Usage(new Series(KEY, model), day, total, buckets);
    }

    private static Projection projection(String used, Map<Series, Usage> recent) {
        return QuotaCheck.evaluate(rule(), List.of(key(used)), AT, CALENDAR, PRICES, recent).get(0).forecast()
                .orElseThrow();
    }

    private static Map<Series, Usage> recent(Usage... usage) {
        Map<Series, Usage> m = new HashMap<>();
        for (Usage u : usage) {
            m.put(u.series(), u);
        }
        return m;
    }

    @Test
    void theTimeToTheLimitIsAtTheRecentCostWhenEveryModelUsedHasAPrice() {
        // CNY 10 an hour lately: the remaining CNY 20 are gone two hours from now
        Projection p = projection("80", recent(usage(PRICED, 1_000_000), usage(UNPRICED, 0)));

        assertThat(p.limitReachedAt()).contains(local(18));
        assertThat(p.method()).isEqualTo("recent rate over the last 4h" + QuotaCheck.PRICED);
        assertThat(p.total()).isEqualByComparingTo("160");
    }

    @Test
    void withoutRecentUsageOrWithAnUnpricedModelUsedItIsAtTheAverageRateOfThePeriod() {
        Projection none = projection("80", Map.of());
        Projection unpriced = projection("80", recent(usage(PRICED, 1_000_000), usage(UNPRICED, 5)));

        for (Projection p : List.of(none, unpriced)) {
            assertThat(p.limitReachedAt()).contains(local(20));
            assertThat(p.method()).isEqualTo(QuotaCheck.AVERAGE);
        }
    }

    @Test
    void nothingUsedLatelyMeansTheLimitIsNotReachedThisPeriod() {
        Projection p = projection("80", recent(usage(PRICED, 0)));

        assertThat(p.limitReachedAt()).isEmpty();
        assertThat(p.method()).endsWith(QuotaCheck.PRICED);
    }

    @Test
    void recentUsageIsFetchedOnlyForKeysNearALimitWithPricesInTheBillingCurrency() {
        Optional<QuotaCheck.Recent> near = QuotaCheck.recentUsage(rule(), List.of(key("80")), AT, CALENDAR, PRICES,
                "CNY");

        assertThat(near).hasValueSatisfying(r -> {
            assertThat(r.window()).isEqualTo(new Window(local(12), AT));
            assertThat(r.series()).containsExactly(new Series(KEY, PRICED), new Series(KEY, UNPRICED));
        });
        assertThat(QuotaCheck.recentUsage(rule(), List.of(key("79.99")), AT, CALENDAR, PRICES, "CNY"))
                .as("below the first threshold").isEmpty();
        assertThat(QuotaCheck.recentUsage(rule(), List.of(key("80")), AT, CALENDAR, PRICES, "USD"))
                .as("prices in another currency than the limit").isEmpty();
        assertThat(QuotaCheck.recentUsage(rule(), List.of(key("80")), AT, CALENDAR, new Prices("CNY", Map.of()),
                "CNY")).as("no prices").isEmpty();
    }
}

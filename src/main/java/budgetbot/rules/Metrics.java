package budgetbot.rules;

import budgetbot.config.Metric;
import budgetbot.config.ModelPrice;
import budgetbot.usage.UsageTotals;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Optional;

/** The value of a metric for some usage; cost uses the model's price per million tokens and per image. */
public final class Metrics {
    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);

    private Metrics() {
    }

    /**
     * @param price the series' model price; required for {@link Metric#COST} (validation guarantees it),
     *              an absent price makes the cost zero
     */
    public static BigDecimal value(Metric metric, UsageTotals t, Optional<ModelPrice> price) {
        return switch (metric) {
            case TOKENS -> BigDecimal.valueOf(t.totalTokens());
            case INPUT_TOKENS -> BigDecimal.valueOf(t.inputTokens());
            case OUTPUT_TOKENS -> BigDecimal.valueOf(t.outputTokens());
            case REQUESTS -> BigDecimal.valueOf(t.requests());
            case IMAGES -> BigDecimal.valueOf(t.images());
            case COST -> price.map(p -> cost(t, p)).orElse(BigDecimal.ZERO);
        };
    }

    public static BigDecimal cost(UsageTotals t, ModelPrice p) {
        BigDecimal tokens = BigDecimal.valueOf(t.inputTokens()).multiply(p.input())
                .add(BigDecimal.valueOf(t.outputTokens()).multiply(p.output()))
                .divide(MILLION, MathContext.DECIMAL64);
        return tokens.add(BigDecimal.valueOf(t.images()).multiply(p.image()));
    }
}

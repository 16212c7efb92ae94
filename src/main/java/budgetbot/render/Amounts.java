package budgetbot.render;

import budgetbot.config.Metric;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.Locale;

/** Human-readable quantities for messages: {@code 20,000,000 tokens}, {@code CNY 1,234.50}, {@code 82%}. */
public final class Amounts {
    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

    private Amounts() {
    }

    /** Prefix of every subject budgetbot sends. */
    public static final String SUBJECT_PREFIX = "[budgetbot] ";

    /** The value with its unit: a count with thousands separators, or a cost with two decimals and currency. */
    public static String of(Metric metric, BigDecimal value, String currency) {
        return metric == Metric.COST ? money(currency, value) : number(metric, value) + " " + unit(metric);
    }

    /** {@code CNY 1,234.50}: the currency first, as on a price list. */
    public static String money(String currency, BigDecimal value) {
        return currency + " " + number(Metric.COST, value);
    }

    /** The value without unit, formatted as {@link #of} does. */
    public static String number(Metric metric, BigDecimal value) {
        // DecimalFormat is not thread-safe, so one per call
        DecimalFormat f = new DecimalFormat(metric == Metric.COST ? "#,##0.00" : "#,##0",
                DecimalFormatSymbols.getInstance(Locale.ROOT));
        f.setRoundingMode(RoundingMode.HALF_UP);
        return f.format(value);
    }

    /** The plural unit of a counted metric ("input tokens"); for cost, "cost". */
    public static String unit(Metric metric) {
        return switch (metric) {
            case TOKENS -> "tokens";
            case INPUT_TOKENS -> "input tokens";
            case OUTPUT_TOKENS -> "output tokens";
            case REQUESTS -> "requests";
            case IMAGES -> "images";
            case COST -> "cost";
        };
    }

    /** The metric as the noun before "budget" ("token budget", "cost budget"). */
    public static String noun(Metric metric) {
        return switch (metric) {
            case TOKENS -> "token";
            case INPUT_TOKENS -> "input token";
            case OUTPUT_TOKENS -> "output token";
            case REQUESTS -> "request";
            case IMAGES -> "image";
            case COST -> "cost";
        };
    }

    /** {@code 1 rule}, {@code 2 rules}: a count with its noun, plural unless one. */
    public static String count(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    /**
     * A fraction as a percentage with at most {@code decimals} decimals ({@code 0.875 -> 87.5%}).
     *
     * @param rounding DOWN where a rounded-up figure would claim a limit was reached that was not
     */
    public static String percent(BigDecimal fraction, int decimals, RoundingMode rounding) {
        BigDecimal p = fraction.multiply(HUNDRED).setScale(decimals, rounding).stripTrailingZeros();
        return (p.scale() < 0 ? p.setScale(0, RoundingMode.UNNECESSARY) : p).toPlainString() + "%";
    }
}

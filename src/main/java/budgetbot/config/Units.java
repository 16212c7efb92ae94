package budgetbot.config;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the units people write in rules.yml: quantities ({@code 20M}), percentages ({@code 80%}) and
 * durations ({@code 6h}, {@code PT6H}). Failures are {@link IllegalArgumentException}s whose message is the
 * user-facing explanation, quoting the text.
 */
public final class Units {
    private static final Pattern QUANTITY = Pattern.compile("([+-]?[0-9]+(?:\\.[0-9]+)?)\\s*([A-Za-z]*)");
    private static final Pattern PERCENT = Pattern.compile("([+-]?[0-9]+(?:\\.[0-9]+)?)\\s*%");
    private static final Pattern NUMBER = Pattern.compile("[+-]?[0-9]+(?:\\.[0-9]+)?");
    private static final Pattern DURATION = Pattern.compile("(?:[0-9]+\\s*[smhdw]\\s*)+");
    private static final Pattern DURATION_PART = Pattern.compile("([0-9]+)\\s*([smhdw])");
    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);
    private static final Pattern SCIENTIFIC = Pattern.compile("[0-9]+(\\.[0-9]+)?[eE][+]?[0-9]{1,2}");
    /** An amount written with its currency: {@code ¥500}, {@code 500元}, {@code 500 CNY}. */
    private static final Pattern CURRENCY = Pattern.compile("(?i).*([¥￥$€£元円块]|CNY|RMB|USD|EUR|yuan).*");

    private Units() {
    }

    /** {@code 20000000}, {@code 20M}, {@code 1.5k}, {@code 2G}; may be negative (the caller decides). */
    static BigDecimal quantity(String text) {
        String plain = text.strip().replace("_", "");
        Matcher m = QUANTITY.matcher(plain);
        if (!m.matches()) {
            throw new IllegalArgumentException(notAQuantity(text) + quantityHint(plain));
        }
        BigDecimal factor = switch (m.group(2)) {
            case "" -> BigDecimal.ONE;
            case "k", "K" -> BigDecimal.valueOf(1_000);
            case "M" -> BigDecimal.valueOf(1_000_000);
            case "G" -> BigDecimal.valueOf(1_000_000_000);
            case "m" -> throw new IllegalArgumentException(
                    "unknown suffix m in \"" + text + "\"; did you mean M (million)?");
            case "g" -> throw new IllegalArgumentException(
                    "unknown suffix g in \"" + text + "\"; did you mean G (billion)?");
            default -> throw new IllegalArgumentException(CURRENCY.matcher(m.group(2)).matches()
                    ? notAQuantity(text) + currencyHint(plain, "500")
                    : "unknown suffix " + m.group(2) + " in \"" + text + "\"; use k (thousand), M (million) or G "
                    + "(billion)");
        };
        return normalize(new BigDecimal(m.group(1)).multiply(factor));
    }

    private static String notAQuantity(String text) {
        return "expected a number such as 20000000, 20M or 1.5k, got \"" + text + "\"";
    }

    /** What a number written another way usually meant: {@code 1e7}, {@code ¥500}, {@code 500元}. */
    private static String quantityHint(String plain) {
        if (SCIENTIFIC.matcher(plain).matches()) {
            BigDecimal n = new BigDecimal(plain);
            return "; write " + plain + " as " + normalize(n).toPlainString() + ", or with a suffix such as 10M";
        }
        return currencyHint(plain, "500");
    }

    /** For an amount written with its currency: the currency is said once, in {@code prices.currency}. */
    static String currencyHint(String text, String example) {
        return CURRENCY.matcher(text).matches()
                ? "; write the amount alone, e.g. " + example + ": its currency is prices.currency" : "";
    }

    /** {@code 80%} as the fraction 0.8; a bare number is an error, since 0.8 could mean 80% or 0.8%. */
    static BigDecimal percent(String text) {
        String plain = text.strip();
        Matcher m = PERCENT.matcher(plain);
        if (m.matches()) {
            return normalize(new BigDecimal(m.group(1)).divide(HUNDRED));
        }
        if (NUMBER.matcher(plain).matches()) {
            BigDecimal n = new BigDecimal(plain);
            String hint = n.abs().compareTo(BigDecimal.ONE) <= 0 && n.signum() != 0
                    ? " (for the fraction " + plain + " write " + normalize(n.multiply(HUNDRED)).toPlainString() + "%)"
                    : "";
            throw new IllegalArgumentException("expected a percentage, got the bare number " + plain
                    + "; add %, e.g. " + plain + "%" + hint);
        }
        throw new IllegalArgumentException("expected a percentage such as 80% or 12.5%, got \"" + text + "\"");
    }

    /** {@code 90s}, {@code 30m}, {@code 6h}, {@code 1d}, {@code 1w}, {@code 1h30m}, or ISO-8601 {@code PT6H}. */
    public static Duration duration(String text) {
        String plain = text.strip();
        if (plain.toUpperCase(Locale.ROOT).startsWith("P")) {
            try {
                return Duration.parse(plain);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("invalid ISO-8601 duration \"" + text + "\"; e.g. PT6H or P1D");
            }
        }
        if (NUMBER.matcher(plain).matches()) {
            throw new IllegalArgumentException("expected a duration, got the bare number " + plain
                    + "; add a unit: s, m, h, d or w, e.g. " + plain + "m");
        }
        if (!DURATION.matcher(plain).matches()) {
            throw new IllegalArgumentException("expected a duration such as 90s, 30m, 6h, 1d, 1w or PT6H, got \""
                    + text + "\"");
        }
        Duration total = Duration.ZERO;
        Matcher part = DURATION_PART.matcher(plain);
        while (part.find()) {
            long n = Long.parseLong(part.group(1));
            total = total.plus(switch (part.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                case "d" -> Duration.ofDays(n);
                default -> Duration.ofDays(7 * n);
            });
        }
        return total;
    }

    /** 1500.0 becomes 1500 and 0.80 becomes 0.8, so values compare and print the way they were meant. */
    static BigDecimal normalize(BigDecimal value) {
        BigDecimal stripped = value.stripTrailingZeros();
        return stripped.scale() < 0 ? stripped.setScale(0) : stripped;
    }
}

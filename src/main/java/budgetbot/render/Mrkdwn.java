package budgetbot.render;

/**
 * Text for Slack's mrkdwn from strings that may hold anything (rule, key, model and digest names): nothing in
 * them may become a mention, a link or formatting.
 *
 * <p>{@code &}, {@code <} and {@code >} are Slack's control characters and become entities, so {@code <!here>}
 * stays text. Slack has no escape for its formatting characters, so {@code *}, {@code _}, {@code ~} and the
 * backtick are replaced by look-alikes that never format ({@code ∗ ˍ ∼ ˋ}); between two letters or digits,
 * where Slack never formats ({@code gpt_4o_mini}), they stay as written. A {@code >} that starts a line gets an
 * invisible soft hyphen before it so that it does not quote the line.
 */
public final class Mrkdwn {
    /** Slack cuts a message's top-level {@code text} at this many characters. */
    public static final int TEXT_MAX = 40_000;
    private static final char SOFT_HYPHEN = '\u00AD';

    private Mrkdwn() {
    }

    /** {@code s} as literal mrkdwn text. */
    public static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>', '＞' -> b.append(i == 0 || s.charAt(i - 1) == '\n' ? String.valueOf(SOFT_HYPHEN) : "")
                        .append(c == '>' ? "&gt;" : "＞");
                case '*', '_', '~' -> b.append(withinWord(s, i) ? c : lookalike(c));
                case '`', '｀', '＊', '＿' -> b.append(lookalike(c));
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /** Slack's top-level {@code text} for a plain text: escaped, and cut to {@link #TEXT_MAX}. */
    public static String fallback(String plainText) {
        return truncate(escape(plainText), TEXT_MAX);
    }

    /**
     * Cuts escaped mrkdwn to at most {@code max} characters, marking the cut with an ellipsis. It cuts at a line
     * break when one is in the second half, so that no {@code *bold*} pair of a line is split; otherwise never
     * inside an entity ({@code &amp;}) or a surrogate pair.
     */
    public static String truncate(String s, int max) {
        if (s.length() <= max) {
            return s;
        }
        int limit = max - 1;
        int cut = s.lastIndexOf('\n', limit);
        if (cut < limit / 2) {
            cut = limit;
            int amp = s.lastIndexOf('&', cut - 1);
            if (amp >= 0 && cut - amp < "&amp;".length() && s.indexOf(';', amp) >= cut) {
                cut = amp;
            }
            if (Character.isLowSurrogate(s.charAt(cut))) {
                cut--;
            }
        }
        return s.substring(0, cut) + "…";
    }

    private static boolean withinWord(String s, int i) {
        return i > 0 && i < s.length() - 1 && Character.isLetterOrDigit(s.charAt(i - 1))
                && Character.isLetterOrDigit(s.charAt(i + 1));
    }

    private static char lookalike(char c) {
        return switch (c) {
            case '*' -> '∗';
            case '＊' -> '﹡';
            case '_' -> 'ˍ';
            case '＿' -> '⸏';
            case '~' -> '∼';
            default -> 'ˋ';
        };
    }
}

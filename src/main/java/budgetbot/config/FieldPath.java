package budgetbot.config;

import java.util.regex.Pattern;

/** Builds field paths such as {@code rules[0].budgets[1].thresholds[2]} or {@code prices.models["a/b"]}. */
final class FieldPath {
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_-]+");

    private FieldPath() {
    }

    static String field(String parent, String key) {
        if (!PLAIN.matcher(key).matches()) {
            return parent + "[\"" + key + "\"]";
        }
        return parent.isEmpty() ? key : parent + "." + key;
    }

    static String item(String parent, int index) {
        return parent + "[" + index + "]";
    }
}

package budgetbot.config;

import java.util.Collection;
import java.util.Comparator;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** Finds the valid name someone probably meant, for "did you mean `thresholds`?" hints. */
public final class Suggest {
    private Suggest() {
    }

    /** The candidate nearest to {@code typo} by edit distance, if it is close enough to be a plausible typo. */
    public static Optional<String> closest(String typo, Collection<String> candidates) {
        String lower = typo.toLowerCase(Locale.ROOT);
        return candidates.stream()
                .filter(c -> distance(lower, c.toLowerCase(Locale.ROOT)) <= Math.max(1, c.length() / 3))
                .min(Comparator.comparingInt(c -> distance(lower, c.toLowerCase(Locale.ROOT))));
    }

    /** {@code "; did you mean `x`?"} or the empty string. */
    public static String didYouMean(String typo, Collection<String> candidates) {
        return closest(typo, candidates).map(c -> "; did you mean `" + c + "`?").orElse("");
    }

    /** The names joined by commas, at most {@code shown} of them, then how many more there are; "none" for none. */
    public static String names(Collection<String> names, int shown) {
        if (names.isEmpty()) {
            return "none";
        }
        String listed = names.stream().limit(shown).collect(Collectors.joining(", "));
        return names.size() <= shown ? listed : listed + " and " + (names.size() - shown) + " more";
    }

    /** Levenshtein distance. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}

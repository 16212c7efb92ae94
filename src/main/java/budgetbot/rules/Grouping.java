package budgetbot.rules;

import budgetbot.config.GroupBy;
import budgetbot.config.RuleConfig;
import budgetbot.usage.Series;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** How a rule's series (every key x every model) fall into the groups its conditions are checked for. */
public final class Grouping {
    /** The one group of {@link GroupBy#ALL}. */
    public static final String ALL = "all";

    private Grouping() {
    }

    /**
     * Every key x every model of the rule, keys first, in the order the rule lists them.
     *
     * @throws IllegalArgumentException when the rule names {@code *}: {@link Coverage} says what that stands for
     */
    public static List<Series> series(RuleConfig rule) {
        if (rule.discovers()) {
            throw new IllegalArgumentException("rule " + rule.name() + " names \"*\": resolve it against the keys"
                    + " UCloud lists first");
        }
        return rule.keys().values().stream()
                .flatMap(key -> rule.models().values().stream().map(model -> new Series(key, model)))
                .distinct()
                .toList();
    }

    /** The rule's groups by name, in the order their first series appears in {@link #series}. */
    public static Map<String, List<Series>> groups(RuleConfig rule) {
        Map<String, List<Series>> groups = new LinkedHashMap<>();
        for (Series s : series(rule)) {
            groups.computeIfAbsent(groupOf(rule.groupBy(), s), g -> new ArrayList<>()).add(s);
        }
        groups.replaceAll((g, members) -> List.copyOf(members));
        return Collections.unmodifiableMap(groups);
    }

    private static String groupOf(GroupBy groupBy, Series s) {
        return switch (groupBy) {
            case SERIES -> s.toString();
            case KEY -> s.keyId();
            case MODEL -> s.model();
            case ALL -> ALL;
        };
    }
}

package budgetbot.config;

import java.util.List;

/**
 * The keys or the models of a rule: names as written, or {@code "*"} for every one the UCloud project has, which
 * is only known once UCloud has listed them (then {@code names} holds the {@code *} itself, to locate messages).
 */
public record Selection(List<Located> names) {
    /** How rules.yml writes "every one". */
    public static final String EVERY = "*";

    public Selection {
        names = List.copyOf(names);
    }

    /** These names, not located: names UCloud listed, or names in a test. */
    public static Selection of(List<String> values) {
        return new Selection(values.stream().map(Located::of).toList());
    }

    /** Whether this is {@code "*"}: every key (or model) UCloud lists, looked up while the bot runs. */
    public boolean every() {
        return names.size() == 1 && names.get(0).value().equals(EVERY);
    }

    public List<String> values() {
        return names.stream().map(Located::value).toList();
    }
}

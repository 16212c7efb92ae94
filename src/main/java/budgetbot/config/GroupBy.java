package budgetbot.config;

import java.util.Locale;

/** How a rule's series (key x model) are grouped before they are compared with a budget. */
public enum GroupBy {
    SERIES, KEY, MODEL, ALL;

    public String yamlName() {
        return name().toLowerCase(Locale.ROOT);
    }
}

package budgetbot.config;

import java.util.Arrays;

/** What a budget or growth rule measures. {@link #yamlName()} is the spelling used in rules.yml. */
public enum Metric {
    TOKENS("tokens"),
    INPUT_TOKENS("inputTokens"),
    OUTPUT_TOKENS("outputTokens"),
    REQUESTS("requests"),
    IMAGES("images"),
    COST("cost");

    private final String yamlName;

    Metric(String yamlName) {
        this.yamlName = yamlName;
    }

    public String yamlName() {
        return yamlName;
    }
}

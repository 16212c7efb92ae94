package budgetbot.config;

import budgetbot.time.PeriodCalendar;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The whole, validated rules.yml, with defaults filled in and environment variables expanded.
 *
 * @param server   the HTTP endpoint of {@code run}; empty when {@code server:} is absent (no server)
 * @param keyNames what messages call a key beside its id, over the name UCloud lists ({@code keyNames:})
 * @param locale   the language of messages, digests and the status page ({@code locale:} en or zh-CN)
 */
public record BotConfig(Path file, PeriodCalendar calendar, UCloudConfig ucloud, StateConfig state, Prices prices,
                        Map<String, ChannelConfig> channels, List<RuleConfig> rules, List<DigestConfig> digests,
                        Optional<ServerConfig> server, Map<String, String> keyNames, Locale locale) {
    /** The languages messages can be written in, by the name {@code locale:} takes. */
    public static final Map<String, Locale> LOCALES = Map.of("en", Locale.ENGLISH, "zh-CN", Locale.SIMPLIFIED_CHINESE);

    public BotConfig {
        channels = Map.copyOf(channels);
        rules = List.copyOf(rules);
        digests = List.copyOf(digests);
        Objects.requireNonNull(server, "server");
        keyNames = Map.copyOf(keyNames);
        Objects.requireNonNull(locale, "locale");
    }

    /** A configuration in English without {@code keyNames:}. */
    public BotConfig(Path file, PeriodCalendar calendar, UCloudConfig ucloud, StateConfig state, Prices prices,
                     Map<String, ChannelConfig> channels, List<RuleConfig> rules, List<DigestConfig> digests,
                     Optional<ServerConfig> server) {
        this(file, calendar, ucloud, state, prices, channels, rules, digests, server, Map.of(), Locale.ENGLISH);
    }

    public Optional<RuleConfig> rule(String name) {
        return rules.stream().filter(r -> r.name().equals(name)).findFirst();
    }

    /** This configuration with other rules, e.g. with their {@code *} resolved against UCloud. */
    public BotConfig withRules(List<RuleConfig> rules) {
        return new BotConfig(file, calendar, ucloud, state, prices, channels, rules, digests, server, keyNames, locale);
    }

    /** Where people reach the status page, for links in chat messages; empty without {@code server.publicUrl}. */
    public Optional<URI> publicUrl() {
        return server.flatMap(ServerConfig::publicUrl);
    }

    public Optional<DigestConfig> digest(String name) {
        return digests.stream().filter(d -> d.name().equals(name)).findFirst();
    }
}

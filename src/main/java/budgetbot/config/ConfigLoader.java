package budgetbot.config;

import budgetbot.time.PeriodCalendar;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Reads rules.yml into a validated {@link BotConfig}: every field checked, defaults filled in, {@code ${VAR}}
 * expanded, and every problem in the file reported at once with its line, column and field path.
 */
public final class ConfigLoader {
    static final ZoneId DEFAULT_ZONE = ZoneId.of("Asia/Shanghai");
    static final URI DEFAULT_BASE_URL = URI.create("https://api.ucloud.cn");
    static final String DEFAULT_STATE_URL = "jdbc:h2:file:./data/budgetbot";
    static final int DEFAULT_MAX_CONCURRENCY = 16;
    /** Providers report late usage for a while; a day is final this long after it ended. */
    static final Duration DEFAULT_SETTLE = Duration.ofHours(2);
    static final int MAX_CONCURRENCY = 256;
    static final Duration DEFAULT_RETENTION = Duration.ofDays(90);
    static final Duration MIN_CONNECT_TIMEOUT = Duration.ofMillis(250);
    static final Duration MAX_FRESH_FOR = Duration.ofMinutes(10);
    private static final Pattern BCRYPT = Pattern.compile(
            "^\\$2[aby]\\$\\d{2}\\$[./A-Za-z0-9]{53}$");
    static final String LOOPBACK = "127.0.0.1";
    static final int DEFAULT_SERVER_PORT = 9464;
    static final Duration DEFAULT_DISCOVERY_INTERVAL = Duration.ofHours(1);
    static final Duration MAX_DISCOVERY_INTERVAL = Duration.ofDays(1);

    private static final Logger LOG = LoggerFactory.getLogger(ConfigLoader.class);

    private ConfigLoader() {
    }

    /** What a configuration is loaded for, which decides whether every channel's secrets must be set. */
    public enum Purpose {
        /** To deliver notifications, or to validate the file: every secret must resolve. */
        DELIVER,
        /**
         * To read usage or render without sending: a channel whose secret names an unset environment variable is
         * no error; it is left out of {@link BotConfig#channels()} (rules still name it).
         */
        INSPECT
    }

    /**
     * Loads for {@link Purpose#DELIVER}.
     *
     * @param env environment variables for {@code ${VAR}} and {@code ${VAR:-default}}
     * @throws ConfigException with every error found, each located
     */
    public static BotConfig load(Path file, Map<String, String> env) {
        return load(file, env, Purpose.DELIVER);
    }

    /**
     * @param env environment variables for {@code ${VAR}} and {@code ${VAR:-default}}
     * @throws ConfigException with every error found, each located
     */
    public static BotConfig load(Path file, Map<String, String> env, Purpose purpose) {
        Problems problems = new Problems(file);
        Optional<Node> root = YamlTree.read(file, problems);
        if (root.isEmpty()) {
            throw problems.exception();
        }
        if (!(root.get() instanceof Node.Mapping)) {
            problems.at(root.get(), "", "expected a mapping with at least ucloud: and rules:, got "
                    + root.get().describe());
            throw problems.exception();
        }
        BotConfig config = read(file, root.get(), new Values(problems, env, purpose));
        problems.throwIfAny();
        LOG.debug("Loaded {}: {} rules, {} digests, {} channels", file, config.rules().size(),
                config.digests().size(), config.channels().size());
        return config;
    }

    private static BotConfig read(Path file, Node root, Values values) {
        Section top = Section.of(root, "", values).only("timezone", "weekStart", "monthStartDay", "ucloud", "state",
                "prices", "channels", "rules", "digests", "server", "quietDates", "keyNames", "locale");
        PeriodCalendar calendar = new PeriodCalendar(
                top.optional("timezone", DEFAULT_ZONE, values.zone()),
                top.optional("weekStart", DayOfWeek.MONDAY, values.oneOf(names(DayOfWeek.values(),
                        d -> d.name().toLowerCase(Locale.ROOT)))),
                top.optional("monthStartDay", 1, values.integer(1, 28)));
        UCloudConfig ucloud = ucloud(file, top.section("ucloud", true, "baseUrl", "publicKey", "privateKey",
                "projectId", "timeout", "maxRetries", "maxConcurrency", "parallelism", "settle",
                "discoveryInterval", "freshFor", "billingCurrency"), values);
        StateConfig state = state(top.section("state", false, "url", "username", "password", "cluster", "retention",
                "connectTimeout"),
                values);
        Prices prices = prices(top.section("prices", false, "currency", "models"), values);
        Map<String, ChannelConfig> channels = Channels.read(top, values);
        // a channel with errors of its own still counts as defined, so rules naming it get no second error
        Set<String> channelNames = top.node("channels").filter(Node.Mapping.class::isInstance)
                .map(m -> ((Node.Mapping) m).keys()).orElse(Set.of());
        List<RuleConfig> rules = Rules.rules(top, values, channelNames, prices, ucloud.billingCurrency());
        List<DigestConfig> digests = Rules.digests(top, values, channelNames, Channels.withoutDigests(top), rules);
        if (top.require("rules") && top.node("rules").get() instanceof Node.Sequence s && s.items().isEmpty()
                && digests.isEmpty()) {
            top.problem("rules", "nothing to watch: add a rule (or a digest)");
        }
        Optional<ServerConfig> server = top.has("server")
                ? Optional.of(server(top.section("server", false, "listen", "users", "tls", "publicUrl"), values))
                : Optional.empty();
        Map<String, String> keyNames = new LinkedHashMap<>();
        for (Node.Entry e : top.entries("keyNames", "a mapping of key id to the name messages show beside it")) {
            String name = values.nonEmptyString().read(e.value(), FieldPath.field(top.path("keyNames"), e.key()));
            if (name != null) {
                keyNames.put(e.key(), name);
            }
        }
        Locale locale = top.optional("locale", Locale.ENGLISH, values.oneOf(new TreeMap<>(BotConfig.LOCALES)));
        return new BotConfig(file, calendar, ucloud, state, prices, channels, rules, digests, server, keyNames,
                locale);
    }

    private static UCloudConfig ucloud(Path file, Section s, Values values) {
        return new UCloudConfig(
                s.optional("baseUrl", DEFAULT_BASE_URL, values.url(false)),
                s.required("publicKey", "", values.nonEmptyString()),
                s.required("privateKey", new Secret(""), values.check(values.secret(), k -> !k.isEmpty(),
                        k -> "must not be empty")),
                s.optional("projectId", "", values.string()),
                s.optional("timeout", Duration.ofSeconds(30), values.duration()),
                s.optional("maxRetries", 4, values.integer(0, 20)),
                maxConcurrency(file, s, values),
                s.optional("settle", DEFAULT_SETTLE, values.check(values.duration(),
                        d -> d.compareTo(Duration.ofDays(1)) <= 0, d -> "must be at most 24h")),
                s.optional("discoveryInterval", DEFAULT_DISCOVERY_INTERVAL, values.check(values.duration(),
                        d -> d.compareTo(MAX_DISCOVERY_INTERVAL) <= 0,
                        d -> "must be at most 1d, so that a key created today is watched today")),
                s.optional("freshFor", UCloudConfig.DEFAULT_FRESH_FOR, values.check(values.duration(),
                        d -> d.compareTo(MAX_FRESH_FOR) <= 0, d -> "must be at most 10m: usage older than that is news")),
                s.optional("billingCurrency", UCloudConfig.DEFAULT_BILLING_CURRENCY, values.nonEmptyString()));
    }

    /** {@code maxConcurrency}, or {@code parallelism}, its deprecated old name; not both. */
    private static int maxConcurrency(Path file, Section s, Values values) {
        Values.Reader<Integer> range = values.integer(1, MAX_CONCURRENCY);
        Optional<Node> old = s.node("parallelism");
        if (old.isPresent()) {
            if (s.has("maxConcurrency")) {
                s.problem("parallelism", "the old name of `maxConcurrency`; keep only `maxConcurrency`");
            } else {
                LOG.warn("{}:{}:{}: ucloud.parallelism is deprecated; rename it to maxConcurrency", file,
                        old.get().line(), old.get().column());
                return s.optional("parallelism", DEFAULT_MAX_CONCURRENCY, range);
            }
        }
        return s.optional("maxConcurrency", DEFAULT_MAX_CONCURRENCY, range);
    }

    private static StateConfig state(Section s, Values values) {
        String url = s.optional("url", DEFAULT_STATE_URL, values.check(values.string(),
                u -> u.startsWith("jdbc:h2:") || u.startsWith("jdbc:postgresql://"),
                u -> "expected a jdbc:h2:... or jdbc:postgresql://... URL"));
        boolean cluster = s.optional("cluster", false, values.bool());
        if (cluster && !url.startsWith("jdbc:postgresql://")) {
            s.problem("cluster", "a cluster needs a shared PostgreSQL database; set state.url to jdbc:postgresql://...");
        }
        return new StateConfig(url, s.optional("username", "", values.string()),
                s.optional("password", new Secret(""), values.secret()), cluster,
                s.optional("retention", DEFAULT_RETENTION, values.duration()),
                s.optional("connectTimeout", StateConfig.DEFAULT_CONNECT_TIMEOUT, values.check(values.duration(),
                        d -> d.compareTo(MIN_CONNECT_TIMEOUT) >= 0, d -> "at least 250ms (the pool's minimum)")));
    }

    /**
     * {@code listen}: {@code host:port}, or a port alone on loopback; any other address must be written out.
     * {@code users}: a bcrypt hash per user name. {@code tls}: PEM files that exist now.
     */
    private static ServerConfig server(Section s, Values values) {
        ServerConfig listen = s.optional("listen", new ServerConfig(LOOPBACK, DEFAULT_SERVER_PORT),
                values.listen(LOOPBACK));
        Map<String, Secret> users = new LinkedHashMap<>();
        for (Node.Entry e : s.entries("users", "a mapping of user name to bcrypt hash")) {
            Secret hash = values.check(values.secret(), h -> BCRYPT.matcher(h.reveal()).matches(),
                    h -> "not a bcrypt hash ($2a$, $2b$ or $2y$ and 53 more characters); make one with"
                            + " `budgetbot hash-password` or `htpasswd -nbB USER PASSWORD`")
                    .read(e.value(), s.path("users") + "." + e.key());
            if (hash != null) {
                users.put(e.key(), hash);
            }
        }
        Optional<ServerConfig.Tls> tls = Optional.empty();
        if (s.has("tls")) {
            Section t = s.section("tls", false, "certFile", "keyFile");
            Path cert = t.required("certFile", Path.of(""), values.readableFile());
            Path key = t.required("keyFile", Path.of(""), values.readableFile());
            tls = Optional.of(new ServerConfig.Tls(cert, key));
        }
        return new ServerConfig(listen.host(), listen.port(), users, tls, s.maybe("publicUrl", values.url(false)));
    }

    private static Prices prices(Section s, Values values) {
        String currency = s.optional("currency", "CNY", values.nonEmptyString());
        Map<String, ModelPrice> models = new LinkedHashMap<>();
        for (Node.Entry e : s.entries("models", "a mapping of model name to { input, output, image }")) {
            if (e.key().length() > Values.MAX_NAME_LENGTH) {
                values.problems().at(e.line(), e.column(), s.path("models"), "a model name " + Values.tooLong(e.key()));
            }
            Section price = Section.of(e.value(), FieldPath.field(s.path("models"), e.key()), values)
                    .only("input", "output", "image");
            models.put(e.key(), new ModelPrice(price.required("input", BigDecimal.ZERO, values.price()),
                    price.required("output", BigDecimal.ZERO, values.price()),
                    price.optional("image", BigDecimal.ZERO, values.price())));
        }
        return new Prices(currency, models);
    }

    /** The rules.yml spelling of each constant, in declaration order, for {@link Values#oneOf}. */
    static <E> Map<String, E> names(E[] constants, Function<E, String> name) {
        return Arrays.stream(constants).collect(Collectors.toMap(name, c -> c, (a, b) -> a, LinkedHashMap::new));
    }
}

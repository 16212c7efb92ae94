package budgetbot.config;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import org.quartz.CronExpression;

import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Typed readers for YAML values: each checks one value, expands {@code ${VAR}} references, and either returns
 * the value or reports what is wrong with it (and returns null).
 */
final class Values {
    private static final Pattern REFERENCE = Pattern.compile("\\$\\{([^}]*)}");
    private static final Pattern VARIABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    /** {@code [ipv6]:port}, {@code host:port} (host possibly empty) or {@code port}. */
    private static final Pattern LISTEN = Pattern.compile("(?:\\[([0-9A-Fa-f:.]+)]:|([^:\\[\\]\\s]*):)?([0-9]{1,5})");
    private static final Pattern LOOPBACK_IPV4 = Pattern.compile("127(\\.[0-9]{1,3}){3}");

    /** Reads one value; returns null after reporting why it is invalid. */
    @FunctionalInterface
    interface Reader<T> {
        T read(Node node, String path);
    }

    /** Longest name (rule, digest, channel, key, model) the state database stores in full. */
    static final int MAX_NAME_LENGTH = 200;

    private final Problems problems;
    private final Map<String, String> env;
    private final boolean deferChannelSecrets;
    private int deferred;

    Values(Problems problems, Map<String, String> env, ConfigLoader.Purpose purpose) {
        this.problems = problems;
        this.env = Map.copyOf(env);
        this.deferChannelSecrets = purpose == ConfigLoader.Purpose.INSPECT;
    }

    Problems problems() {
        return problems;
    }

    /** Wraps {@code reader} with an extra condition; {@code problem} explains a value that fails it. */
    <T> Reader<T> check(Reader<T> reader, Predicate<T> ok, Function<T, String> problem) {
        return (node, path) -> {
            T value = reader.read(node, path);
            if (value != null && !ok.test(value)) {
                problems.at(node, path, problem.apply(value));
                return null;
            }
            return value;
        };
    }

    Reader<String> string() {
        return (node, path) -> text(node, path, "a string", false);
    }

    Reader<String> nonEmptyString() {
        return check(string(), s -> !s.isBlank(), s -> "must not be empty");
    }

    /** Why {@code name} cannot be used: it is longer than the state database stores. */
    static String tooLong(String name) {
        return tooLong(name, MAX_NAME_LENGTH);
    }

    private static String tooLong(String name, int max) {
        return "is " + name.length() + " characters long (\"" + name.substring(0, Math.min(40, max)) + "…\"); the"
                + " state database keeps names of at most " + max;
    }

    /**
     * A channel's credential. Loaded for {@link ConfigLoader.Purpose#INSPECT}, one that names an unset environment
     * variable is not an error: it is skipped (read as absent) and counted in {@link #deferred()}, so that the
     * caller can leave the channel out.
     */
    <T> Reader<T> channelSecret(Reader<T> reader) {
        return (node, path) -> {
            if (deferChannelSecrets && node instanceof Node.Scalar s && s.kind() == Node.Kind.STRING
                    && namesUnsetVariable(s.text())) {
                hideAll(node);
                deferred++;
                return null;
            }
            return reader.read(node, path);
        };
    }

    /** How many channel secrets were skipped so far (see {@link #channelSecret}). */
    int deferred() {
        return deferred;
    }

    private boolean namesUnsetVariable(String text) {
        Matcher m = REFERENCE.matcher(text);
        while (m.find()) {
            String reference = m.group(1);
            int split = reference.indexOf(":-");
            if (split < 0 && env.get(reference) == null) {
                return true;
            }
        }
        return false;
    }

    /**
     * A name that ends up in messages, subjects and database keys: not empty, at most {@code max} characters and
     * free of control characters (a line break in a name would break a mail header or a log line).
     */
    Reader<String> name(int max) {
        return check(check(nonEmptyString(), n -> n.codePoints().noneMatch(Character::isISOControl),
                n -> "must not contain control characters (line breaks, tabs, escapes)"),
                n -> n.length() <= max, n -> tooLong(n, max));
    }

    /** A list of {@link #name}s. */
    Reader<List<String>> names(int max) {
        return list(name(max), "a list of strings");
    }

    /** A file that exists and can be read now, such as a PEM certificate. */
    Reader<Path> readableFile() {
        return (node, path) -> {
            String text = text(node, path, "a file path", false);
            if (text == null) {
                return null;
            }
            Path file = Path.of(text);
            if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
                problems.at(node, path, "no readable file " + file.toAbsolutePath()
                        + " (a relative path is read from the working directory)");
                return null;
            }
            return file;
        };
    }

    /**
     * A credential. Whatever is wrong with it, the message never shows the value, and the value is remembered
     * so that no other message shows it either.
     */
    Reader<Secret> secret() {
        return (node, path) -> {
            hideAll(node);
            String text = text(node, path, "a string", true);
            if (text == null) {
                return null;
            }
            problems.secret(text);
            return new Secret(text);
        };
    }

    Reader<Integer> integer(int min, int max) {
        return (node, path) -> {
            String text = text(node, path, "a whole number", false);
            if (text == null) {
                return null;
            }
            try {
                int value = Integer.parseInt(text.strip().replace("_", ""));
                if (value < min || value > max) {
                    problems.at(node, path, "must be between " + min + " and " + max + ", got " + value);
                    return null;
                }
                return value;
            } catch (NumberFormatException e) {
                problems.at(node, path, "expected a whole number, got \"" + text + "\"");
                return null;
            }
        };
    }

    Reader<Boolean> bool() {
        return (node, path) -> {
            if (node instanceof Node.Scalar s && s.kind() == Node.Kind.BOOLEAN) {
                return Boolean.parseBoolean(s.text().toLowerCase(Locale.ROOT));
            }
            if (node instanceof Node.Scalar s && s.kind() == Node.Kind.NUMBER) {
                problems.at(node, path, "expected true or false, got a number");
                return null;
            }
            String text = text(node, path, "true or false", false);
            if (text == null) {
                return null;
            }
            String lower = text.strip().toLowerCase(Locale.ROOT);
            if (!lower.equals("true") && !lower.equals("false")) {
                problems.at(node, path, "expected true or false, got \"" + text + "\"");
                return null;
            }
            return Boolean.parseBoolean(lower);
        };
    }

    /** A plain decimal that must not be negative, such as a price. */
    Reader<BigDecimal> price() {
        return nonNegative((node, path) -> {
            String text = text(node, path, "a number", false);
            if (text == null) {
                return null;
            }
            try {
                return Units.normalize(new BigDecimal(text.strip().replace("_", "")));
            } catch (NumberFormatException e) {
                problems.at(node, path, "expected a number such as 4 or 0.5, got \"" + text + "\""
                        + Units.currencyHint(text, "4"));
                return null;
            }
        });
    }

    /** A count or amount: {@code 20000000}, {@code 20M}, {@code 1.5k}; must not be negative. */
    Reader<BigDecimal> quantity() {
        return nonNegative(parsed("a number such as 20M", Units::quantity));
    }

    /** A percentage as a fraction (80% -> 0.8) that satisfies {@code ok}, else {@code rule} is reported. */
    Reader<BigDecimal> percent(Predicate<BigDecimal> ok, String rule) {
        return check(parsed("a percentage such as 80%", Units::percent), ok, p -> rule);
    }

    /** A duration longer than zero. */
    Reader<Duration> duration() {
        return check(parsed("a duration such as 30m or 6h", Units::duration),
                d -> !d.isNegative() && !d.isZero(), d -> "must be longer than 0");
    }

    /**
     * A cron expression as Quartz reads it: five fields are crontab's and become the Quartz expression that fires
     * at the same moments ({@link Crontab}); six or seven are Quartz's. Checked with Quartz's own parser so the
     * message is the one Quartz gives.
     */
    Reader<String> cron() {
        return (node, path) -> {
            String written = text(node, path, "a cron expression", false);
            if (written == null) {
                return null;
            }
            String[] fields = written.strip().split("\\s+");
            String text;
            try {
                text = fields.length == 5 ? Crontab.toQuartz(fields) : written;
            } catch (IllegalArgumentException e) {
                problems.at(node, path, "crontab expression \"" + written + "\": " + e.getMessage());
                return null;
            }
            try {
                // from a fixed moment rather than now: loading a file must not depend on when it happens
                if (new CronExpression(text).getNextValidTimeAfter(new Date(0)) == null) {
                    problems.at(node, path, "cron expression \"" + text + "\" never fires (no such date); check "
                            + "the day-of-month, month and year fields");
                    return null;
                }
                return text;
            } catch (ParseException e) {
                problems.at(node, path, "invalid cron expression \"" + text + "\": " + e.getMessage()
                        + "; write 5 fields as crontab does (min hour day-of-month month day-of-week, e.g. \"0 9 * * 1\""
                        + " for 09:00 on Mondays), or Quartz's 6 or 7 (sec min hour day-of-month month day-of-week"
                        + " [year], e.g. \"0 */5 * * * ?\")");
                return null;
            }
        };
    }

    Reader<ZoneId> zone() {
        return (node, path) -> {
            String text = text(node, path, "a timezone", false);
            if (text == null) {
                return null;
            }
            try {
                return ZoneId.of(text.strip());
            } catch (DateTimeException e) {
                problems.at(node, path, "invalid timezone \"" + text
                        + "\"; use a region such as Asia/Shanghai or an offset such as +08:00");
                return null;
            }
        };
    }

    /** An absolute URL that is https, or http on a loopback address (tests, local proxies). */
    Reader<URI> url(boolean secret) {
        return (node, path) -> {
            if (secret) {
                hideAll(node);
            }
            String text = text(node, path, "a URL", secret);
            if (text == null) {
                return null;
            }
            if (secret) {
                problems.secret(text);
            }
            String shown = secret ? "" : " \"" + text + "\"";
            try {
                URI uri = new URI(text.strip());
                String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
                if (uri.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
                    problems.at(node, path, "expected an absolute https:// URL" + (secret ? "" : ", got" + shown));
                    return null;
                }
                if (scheme.equals("http") && !isLoopback(uri.getHost())) {
                    problems.at(node, path, "plain http is only allowed for localhost; use https://"
                            + (secret ? " (the value is not shown: it is a secret)" : ", got" + shown));
                    return null;
                }
                return uri;
            } catch (URISyntaxException e) {
                problems.at(node, path, "not a valid URL" + (secret ? " (the value is not shown: it is a secret)"
                        : ": " + e.getReason() + " at index " + e.getIndex() + " of" + shown));
                return null;
            }
        };
    }

    /**
     * Where a server listens: {@code host:port} ({@code [::1]:9464} for IPv6), or a port alone, which binds
     * {@code loopback}. An empty host ({@code :9464}) is refused: listening on every address must be written out.
     */
    Reader<ServerConfig> listen(String loopback) {
        return (node, path) -> {
            String text = text(node, path, "host:port such as 127.0.0.1:9464", false);
            if (text == null) {
                return null;
            }
            Matcher m = LISTEN.matcher(text.strip());
            if (!m.matches()) {
                problems.at(node, path, "expected host:port such as 127.0.0.1:9464 (or 0.0.0.0:9464 for every "
                        + "address), got \"" + text + "\"");
                return null;
            }
            String host = m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : loopback;
            if (host.isEmpty()) {
                problems.at(node, path, "the address is missing: write 127.0.0.1" + text.strip()
                        + " for this machine only, or 0.0.0.0" + text.strip() + " for every address");
                return null;
            }
            int port = Integer.parseInt(m.group(3));
            if (port > 65535) {
                problems.at(node, path, "port must be between 0 and 65535, got " + port);
                return null;
            }
            return new ServerConfig(host, port);
        };
    }

    /** An email address, optionally with a display name ({@code budgetbot <bot@example.com>}). */
    Reader<String> email() {
        return (node, path) -> {
            String text = text(node, path, "an email address", false);
            if (text == null) {
                return null;
            }
            try {
                InternetAddress address = new InternetAddress(text, true);
                address.validate();
                return text;
            } catch (AddressException e) {
                problems.at(node, path, "invalid email address \"" + text + "\": " + e.getMessage());
                return null;
            }
        };
    }

    /** One of a fixed set of names, e.g. {@code day} for {@link budgetbot.time.PeriodUnit#DAY}. */
    <E> Reader<E> oneOf(Map<String, E> names) {
        return (node, path) -> {
            String text = text(node, path, "one of " + String.join(", ", names.keySet()), false);
            if (text == null) {
                return null;
            }
            E value = names.get(text.strip());
            if (value == null) {
                problems.at(node, path, "unknown value \"" + text + "\"" + Suggest.didYouMean(text, names.keySet())
                        + "; expected one of: " + String.join(", ", names.keySet()));
            }
            return value;
        };
    }

    /** A YAML list; invalid items are reported one by one and left out. */
    <T> Reader<List<T>> list(Reader<T> item, String expected) {
        return (node, path) -> {
            if (!(node instanceof Node.Sequence seq)) {
                String hint = node instanceof Node.Scalar s && s.kind() == Node.Kind.STRING
                        ? "; write it as a list, [...], even for one item" : "";
                problems.at(node, path, "expected " + expected + ", got " + node.describe() + hint);
                return null;
            }
            List<T> values = new ArrayList<>();
            for (int i = 0; i < seq.items().size(); i++) {
                T value = item.read(seq.items().get(i), FieldPath.item(path, i));
                if (value != null) {
                    values.add(value);
                }
            }
            return values;
        };
    }

    /**
     * Keys or models: a non-empty list of names, each remembered with where it was written, or {@code "*"} (also
     * as the only item of a list) for every one the UCloud project has.
     */
    Reader<Selection> selection(int max) {
        return (node, path) -> {
            if (node instanceof Node.Scalar s && s.kind() == Node.Kind.STRING
                    && s.text().strip().equals(Selection.EVERY)) {
                return new Selection(List.of(new Located(Selection.EVERY, path, node.line(), node.column())));
            }
            List<Located> names = nonEmpty(list(located(max), "a list of names, or \"*\" for every one"))
                    .read(node, path);
            if (names == null) {
                return null;
            }
            Selection selection = new Selection(names);
            if (names.size() > 1 && selection.values().contains(Selection.EVERY)) {
                Located star = names.get(selection.values().indexOf(Selection.EVERY));
                problems.at(star.line(), star.column(), star.path(),
                        "\"*\" stands for every one: write it alone (keys: \"*\"), or list names without it");
                return null;
            }
            return selection;
        };
    }

    private Reader<Located> located(int max) {
        return (node, path) -> {
            String name = name(max).read(node, path);
            return name == null ? null : new Located(name, path, node.line(), node.column());
        };
    }

    /** A list that must have at least one item. */
    <T> Reader<List<T>> nonEmpty(Reader<List<T>> list) {
        return (node, path) -> {
            if (node instanceof Node.Sequence s && s.items().isEmpty()) {
                problems.at(node, path, "must not be empty; add at least one item");
                return null;
            }
            return list.read(node, path);
        };
    }

    private Reader<BigDecimal> nonNegative(Reader<BigDecimal> reader) {
        return check(reader, v -> v.signum() >= 0, v -> "must not be negative, got " + v.toPlainString());
    }

    private <T> Reader<T> parsed(String expected, Function<String, T> parser) {
        return (node, path) -> {
            String text = text(node, path, expected, false);
            if (text == null) {
                return null;
            }
            try {
                return parser.apply(text);
            } catch (IllegalArgumentException | ArithmeticException e) {
                problems.at(node, path, e instanceof ArithmeticException ? "value is too large" : e.getMessage());
                return null;
            }
        };
    }

    /** The scalar's text with {@code ${VAR}} references expanded, or null after reporting why not. */
    private String text(Node node, String path, String expected, boolean secret) {
        if (!(node instanceof Node.Scalar s) || s.kind() == Node.Kind.NULL) {
            problems.at(node, path, "expected " + expected + ", got " + node.describe());
            return null;
        }
        if (s.kind() == Node.Kind.BOOLEAN) {
            problems.at(node, path, "expected " + expected + ", got a boolean; quote it if you mean the word");
            return null;
        }
        return s.kind() == Node.Kind.STRING ? expand(s, path, secret) : s.text();
    }

    /** Shell-like {@code ${VAR}} and {@code ${VAR:-default}}; the default also applies when VAR is empty. */
    private String expand(Node.Scalar scalar, String path, boolean secret) {
        String text = scalar.text();
        Matcher m = REFERENCE.matcher(text);
        StringBuilder out = new StringBuilder();
        boolean complete = true;
        int last = 0;
        while (m.find()) {
            out.append(text, last, m.start());
            last = m.end();
            String reference = m.group(1);
            int split = reference.indexOf(":-");
            String name = split < 0 ? reference : reference.substring(0, split);
            String fallback = split < 0 ? null : reference.substring(split + 2);
            if (!VARIABLE.matcher(name).matches()) {
                problems.at(scalar, path, "invalid variable reference" + (secret ? "" : " ${" + reference + "}")
                        + "; write ${NAME} or ${NAME:-default}");
                complete = false;
                continue;
            }
            String value = env.get(name);
            if (value == null || (value.isEmpty() && fallback != null)) {
                value = fallback;
            }
            if (value == null) {
                problems.at(scalar, path, "environment variable " + name + " is not set; set it, or write ${"
                        + name + ":-default} to give a default");
                complete = false;
                continue;
            }
            if (secret) {
                problems.secret(value);
            }
            out.append(value);
        }
        out.append(text, last, text.length());
        if (text.substring(last).contains("${")) {
            problems.at(scalar, path, "unterminated ${ in the value; write ${NAME} or ${NAME:-default}");
            complete = false;
        }
        return complete ? out.toString() : null;
    }

    /** Remembers every scalar under a secret field, whatever its shape, so no message can quote it. */
    private void hideAll(Node node) {
        if (node instanceof Node.Scalar s) {
            // true/false cannot be a credential, and redacting the word would garble other messages
            if (s.kind() != Node.Kind.BOOLEAN) {
                problems.secret(s.text());
            }
        } else if (node instanceof Node.Sequence seq) {
            seq.items().forEach(this::hideAll);
        } else if (node instanceof Node.Mapping map) {
            map.entries().forEach(e -> {
                problems.secret(e.key());
                hideAll(e.value());
            });
        }
    }

    /** localhost, 127.x.y.z or ::1 (bracketed as in a URL, or not as in a host field). */
    static boolean isLoopback(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return h.equals("localhost") || h.equals("[::1]") || h.equals("::1") || LOOPBACK_IPV4.matcher(h).matches();
    }
}

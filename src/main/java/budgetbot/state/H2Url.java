package budgetbot.state;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * An H2 JDBC URL taken apart into its database and its {@code ;NAME=value} settings, so that {@link StateStore}
 * can connect to the same database in another mode.
 */
record H2Url(String database, List<String> settings) {
    static final String PREFIX = "jdbc:h2:";

    H2Url {
        settings = List.copyOf(settings);
    }

    /** Empty when {@code url} is not an H2 URL. */
    static Optional<H2Url> parse(String url) {
        if (!url.startsWith(PREFIX)) {
            return Optional.empty();
        }
        List<String> parts = List.of(url.substring(PREFIX.length()).split(";"));
        return Optional.of(new H2Url(parts.get(0), parts.subList(1, parts.size())));
    }

    /** The database's file (without H2's extension), when it is one: not in memory, not on a server. */
    Optional<Path> file() {
        String lower = database.toLowerCase(Locale.ROOT);
        for (String notAFile : List.of("mem:", "tcp:", "ssl:", "zip:")) {
            if (lower.startsWith(notAFile)) {
                return Optional.empty();
            }
        }
        String path = lower.startsWith("file:") ? database.substring("file:".length()) : database;
        if (path.startsWith("~")) {
            path = System.getProperty("user.home") + path.substring(1);
        }
        return Optional.of(Path.of(path));
    }

    boolean has(String name) {
        return settings.stream().anyMatch(s -> isNamed(s, name));
    }

    /** With {@code NAME=value} added at the end. */
    H2Url with(String name, String value) {
        List<String> more = new ArrayList<>(settings);
        more.add(name + "=" + value);
        return new H2Url(database, more);
    }

    /** Without the settings of these names, whatever their case or value. */
    H2Url without(String... names) {
        return new H2Url(database, settings.stream()
                .filter(s -> Arrays.stream(names).noneMatch(n -> isNamed(s, n))).toList());
    }

    private static boolean isNamed(String setting, String name) {
        return setting.toUpperCase(Locale.ROOT).startsWith(name.toUpperCase(Locale.ROOT) + "=");
    }

    @Override
    public String toString() {
        return PREFIX + database + settings.stream().map(s -> ";" + s).reduce("", String::concat);
    }
}

package budgetbot.config;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A YAML value with the 1-based line and column where it starts, so that every config error can point at it.
 * Only what rules.yml needs: scalars, lists and mappings with string keys.
 */
sealed interface Node {
    int line();

    int column();

    /** What this value is, for "expected ..., got a list"; never the value itself, which may be a secret. */
    String describe();

    /** How YAML resolved a plain scalar; quoted scalars are always {@code STRING}. */
    enum Kind { STRING, NUMBER, BOOLEAN, NULL }

    record Scalar(String text, Kind kind, int line, int column) implements Node {
        @Override
        public String describe() {
            return switch (kind) {
                case STRING -> "a string";
                case NUMBER -> "a number";
                case BOOLEAN -> "a boolean";
                case NULL -> "an empty value";
            };
        }
    }

    record Sequence(List<Node> items, int line, int column) implements Node {
        public Sequence {
            items = List.copyOf(items);
        }

        @Override
        public String describe() {
            return "a list";
        }
    }

    record Mapping(List<Entry> entries, int line, int column) implements Node {
        public Mapping {
            entries = List.copyOf(entries);
        }

        /** The value of {@code key}, treating an explicitly empty value ({@code key:}) like an absent one. */
        Optional<Node> get(String key) {
            return entries.stream().filter(e -> e.key().equals(key)).map(Entry::value)
                    .filter(v -> !isNull(v)).findFirst();
        }

        /** The keys in file order. */
        Set<String> keys() {
            Set<String> keys = new LinkedHashSet<>();
            entries.forEach(e -> keys.add(e.key()));
            return keys;
        }

        @Override
        public String describe() {
            return "a mapping";
        }
    }

    /** One {@code key: value} pair; the key's own position is where "unknown field" errors point. */
    record Entry(String key, int line, int column, Node value) {
    }

    static boolean isNull(Node node) {
        return node instanceof Scalar s && s.kind() == Kind.NULL;
    }
}

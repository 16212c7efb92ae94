package budgetbot.config;

import java.util.List;
import java.util.Optional;

/**
 * One YAML mapping being read into a record: typed access to its fields with defaults, "required field" and
 * "unknown field" errors. A section that is missing or not a mapping at all was reported once already; it then
 * answers every field with its default or fallback silently, so one mistake does not cascade into many.
 */
final class Section {
    private final Node node;
    private final Node.Mapping mapping;
    private final String path;
    private final Values values;

    private Section(Node node, Node.Mapping mapping, String path, Values values) {
        this.node = node;
        this.mapping = mapping;
        this.path = path;
        this.values = values;
    }

    /** Reads {@code node} as a mapping; reports it when it is something else. */
    static Section of(Node node, String path, Values values) {
        if (node instanceof Node.Mapping m) {
            return new Section(node, m, path, values);
        }
        values.problems().at(node, path, "expected a mapping (field: value, ...), got " + node.describe());
        return silent(node, path, values);
    }

    private static Section silent(Node at, String path, Values values) {
        return new Section(at, null, path, values);
    }

    /** Reports every field not in {@code fields}, with the nearest valid name when it looks like a typo. */
    Section only(String... fields) {
        if (mapping != null) {
            List<String> valid = List.of(fields);
            for (Node.Entry e : mapping.entries()) {
                if (!valid.contains(e.key())) {
                    String hint = Suggest.closest(e.key(), valid).map(c -> "did you mean `" + c + "`?")
                            .orElse("valid fields: " + String.join(", ", valid));
                    values.problems().at(e.line(), e.column(), FieldPath.field(path, e.key()),
                            "unknown field; " + hint);
                }
            }
        }
        return this;
    }

    /** The field's value; absent when missing or written empty ({@code key:}). */
    Optional<Node> node(String key) {
        return mapping == null ? Optional.empty() : mapping.get(key);
    }

    /** Where this section is written: a problem found only later (against UCloud) points at it. */
    Located where() {
        return new Located(path, path, node.line(), node.column());
    }

    String path(String key) {
        return FieldPath.field(path, key);
    }

    boolean has(String key) {
        return node(key).isPresent();
    }

    /** The field's value, {@code dflt} when it is absent, or {@code dflt} after reporting an invalid value. */
    <T> T optional(String key, T dflt, Values.Reader<T> reader) {
        return maybe(key, reader).orElse(dflt);
    }

    /** Like {@link #optional} without a default: empty when absent or invalid. */
    <T> Optional<T> maybe(String key, Values.Reader<T> reader) {
        return node(key).map(n -> reader.read(n, path(key)));
    }

    /**
     * The field's value, or {@code fallback} after reporting that it is missing or invalid. The fallback only keeps
     * the records constructible; a config with any error is never returned.
     */
    <T> T required(String key, T fallback, Values.Reader<T> reader) {
        require(key);
        return optional(key, fallback, reader);
    }

    /** Reports the field when it is missing or empty; true when it is there. */
    boolean require(String key) {
        if (mapping != null && node(key).isEmpty()) {
            missing(key);
            return false;
        }
        return true;
    }

    /** A nested section; a missing required one is reported, a missing optional one has all defaults. */
    Section section(String key, boolean required, String... fields) {
        Optional<Node> child = node(key);
        if (child.isEmpty()) {
            if (required && mapping != null) {
                missing(key);
            }
            return silent(node, path(key), values);
        }
        return of(child.get(), path(key), values).only(fields);
    }

    /** The entries of a nested {@code name: value} mapping such as {@code channels:}; empty when absent. */
    List<Node.Entry> entries(String key, String expected) {
        Optional<Node> child = node(key);
        if (child.isEmpty()) {
            return List.of();
        }
        if (child.get() instanceof Node.Mapping m) {
            return m.entries();
        }
        values.problems().at(child.get(), path(key), "expected " + expected + ", got " + child.get().describe());
        return List.of();
    }

    /** The items of a nested list such as {@code rules:}; empty when absent. */
    List<Node> items(String key, String expected) {
        Optional<Node> child = node(key);
        if (child.isEmpty()) {
            return List.of();
        }
        if (child.get() instanceof Node.Sequence s) {
            return s.items();
        }
        values.problems().at(child.get(), path(key), "expected " + expected + ", got " + child.get().describe());
        return List.of();
    }

    /** Reports {@code message} about this section as a whole (not for a section already reported as broken). */
    void report(String message) {
        if (mapping != null) {
            values.problems().at(node, path, message);
        }
    }

    /** Reports {@code message} at the field's value, or at this section when the field is absent. */
    void problem(String key, String message) {
        if (mapping != null) {
            values.problems().at(node(key).orElse(node), path(key), message);
        }
    }

    /** True when the field is absent or an empty list: there is nothing in it, and nothing wrong with it. */
    boolean emptyList(String key) {
        return node(key).map(n -> n instanceof Node.Sequence s && s.items().isEmpty()).orElse(true);
    }

    private void missing(String key) {
        Optional<Node.Entry> empty = mapping.entries().stream().filter(e -> e.key().equals(key)).findFirst();
        if (empty.isPresent()) {
            // "channel: #ops" is the classic: YAML reads everything after # as a comment
            values.problems().at(empty.get().line(), empty.get().column(), path(key),
                    "required field is empty (if the value starts with #, quote it: \"#name\")");
        } else {
            values.problems().at(node, path(key), "required field is missing");
        }
    }
}

package budgetbot.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a YAML file into a {@link Node} tree that remembers where each value starts.
 *
 * <p>Jackson's streaming YAML parser only produces events, it never constructs objects from tags, so loading is
 * safe; tags and aliases are rejected anyway because rules.yml has no use for them. Duplicate keys are errors.
 */
final class YamlTree {
    private static final String NOT_UTF8 = "the file is not valid UTF-8 text; save it as UTF-8";
    /** Far above any real configuration, far below what would take memory or time to parse. */
    static final long MAX_BYTES = 1024 * 1024;
    static final String EMPTY_FILE = "the file is empty; expected a mapping with at least ucloud: and rules:";

    // yes/no/on/off stay strings (YAML 1.1 would make "NO" false); "key:" with nothing after it is null
    private static final YAMLFactory FACTORY = YAMLFactory.builder()
            .enable(YAMLParser.Feature.PARSE_BOOLEAN_LIKE_WORDS_AS_STRINGS)
            .enable(YAMLParser.Feature.EMPTY_STRING_AS_NULL)
            .build();

    private final YAMLParser parser;
    private final Problems problems;

    private YamlTree(YAMLParser parser, Problems problems) {
        this.parser = parser;
        this.problems = problems;
    }

    /** The file's single document, or empty after reporting why there is none (missing, empty, malformed). */
    static Optional<Node> read(Path file, Problems problems) {
        try {
            long size = Files.size(file);
            if (size > MAX_BYTES) {
                problems.file(String.format(Locale.ROOT, "the file is %.1f MiB; a configuration is at most 1 MiB "
                        + "(is this the right file?)", size / 1048576.0));
                return Optional.empty();
            }
        } catch (IOException e) {
            // reported below by the read, with the same words as every other unreadable file
        }
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8);
             YAMLParser parser = (YAMLParser) FACTORY.createParser(in)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                problems.file(EMPTY_FILE);
                return Optional.empty();
            }
            YamlTree tree = new YamlTree(parser, problems);
            Node root = tree.value(first, "");
            if (parser.nextToken() != null) {
                tree.report("", "a second YAML document starts here; the file must hold exactly one");
            }
            return Optional.of(root);
        } catch (NoSuchFileException e) {
            problems.file("no such file: " + file);
        } catch (StreamConstraintsException e) {
            problems.file("values are nested more than " + FACTORY.streamReadConstraints().getMaxNestingDepth()
                    + " levels deep; rules.yml needs about five");
        } catch (StreamReadException e) {
            malformed(e, problems);
        } catch (CharacterCodingException e) {
            problems.file(NOT_UTF8);
        } catch (IOException e) {
            problems.file("cannot read the file: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()));
        }
        return Optional.empty();
    }

    /**
     * Reports the parser's problem and where it is, without SnakeYAML's snippet of the offending line: that
     * snippet would print a secret written on it.
     */
    private static void malformed(StreamReadException e, Problems problems) {
        if (notUtf8(e)) {
            problems.file(NOT_UTF8);
        } else if (e.getCause() instanceof MarkedYAMLException m && m.getProblemMark() != null) {
            Mark at = m.getProblemMark();
            String context = m.getContext() == null || m.getContextMark() == null ? ""
                    : " (" + m.getContext() + " started at line " + (m.getContextMark().getLine() + 1)
                    + ", column " + (m.getContextMark().getColumn() + 1) + ")";
            // SnakeYAML names an unexpected line break as "found \n(10)": one line per message
            String problem = m.getProblem().replace("\n", "");
            problems.at(at.getLine() + 1, at.getColumn() + 1, "", "malformed YAML: " + problem + context
                    + hint(problem + context));
        } else {
            JsonLocation at = e.getLocation();
            String message = e.getOriginalMessage().lines().findFirst().orElse("");
            int event = message.indexOf(": <org.yaml");
            problems.at(at == null ? 0 : at.getLineNr(), at == null ? 0 : at.getColumnNr(), "",
                    "malformed YAML: " + (event < 0 ? message : message.substring(0, event)) + hint(message));
        }
    }

    private static boolean notUtf8(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CharacterCodingException) {
                return true;
            }
        }
        return false;
    }

    /** What SnakeYAML's complaints about parser states usually mean in a hand-written file. */
    private static String hint(String problem) {
        String p = problem == null ? "" : problem;
        if (p.contains("(TAB)")) {
            return "; indent with spaces: YAML does not allow tabs";
        }
        if (p.contains("expected <block end>") || p.contains("did not find expected key")
                || p.contains("did not find expected '-'")) {
            return "; check the indentation: the keys of one mapping start in the same column, a list item's"
                    + " fields line up under its first field, and a tab counts as no indentation";
        }
        if (p.contains("while scanning an alias")) {
            return "; a * alone starts a YAML alias: for every key or model write \"*\" in quotes (keys: \"*\")";
        }
        if (p.contains("mapping values are not allowed") || p.contains("could not find expected ':'")) {
            return "; a colon where none belongs: a key on the line before may lack its colon (key: value), this"
                    + " line may be indented deeper than the one before, or a value with ': ' in it needs quotes";
        }
        return "";
    }

    private Node value(JsonToken token, String path) throws IOException {
        JsonLocation at = parser.currentTokenLocation();
        int line = at.getLineNr();
        int column = at.getColumnNr();
        if (parser.getTypeId() != null) {
            report(path, "YAML tags (!!type or !name) are not supported; remove the tag");
        }
        if (parser.isCurrentAlias()) {
            report(path, "YAML aliases (*name) are not supported; repeat the value instead");
        }
        return switch (token) {
            case START_OBJECT -> mapping(path, line, column);
            case START_ARRAY -> sequence(path, line, column);
            case VALUE_STRING -> new Node.Scalar(parser.getText(), Node.Kind.STRING, line, column);
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> new Node.Scalar(parser.getText(), Node.Kind.NUMBER, line, column);
            case VALUE_TRUE, VALUE_FALSE -> new Node.Scalar(parser.getText(), Node.Kind.BOOLEAN, line, column);
            case VALUE_NULL -> new Node.Scalar("", Node.Kind.NULL, line, column);
            default -> throw new IllegalStateException("unexpected YAML token " + token);
        };
    }

    private Node mapping(String path, int line, int column) throws IOException {
        List<Node.Entry> entries = new ArrayList<>();
        Map<String, Node.Entry> seen = new HashMap<>();
        for (JsonToken t = parser.nextToken(); t != JsonToken.END_OBJECT; t = parser.nextToken()) {
            String key = parser.currentName();
            JsonLocation keyAt = parser.currentTokenLocation();
            String keyPath = FieldPath.field(path, key);
            Node value = value(parser.nextToken(), keyPath);
            Node.Entry entry = new Node.Entry(key, keyAt.getLineNr(), keyAt.getColumnNr(), value);
            Node.Entry first = seen.putIfAbsent(key, entry);
            if (first == null) {
                entries.add(entry);
            } else {
                problems.at(entry.line(), entry.column(), keyPath,
                        "duplicate key `" + key + "` (first at line " + first.line() + "); keep only one");
            }
        }
        return new Node.Mapping(entries, line, column);
    }

    private Node sequence(String path, int line, int column) throws IOException {
        List<Node> items = new ArrayList<>();
        for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
            items.add(value(t, FieldPath.item(path, items.size())));
        }
        return new Node.Sequence(items, line, column);
    }

    private void report(String path, String message) {
        JsonLocation at = parser.currentTokenLocation();
        problems.at(at.getLineNr(), at.getColumnNr(), path, message);
    }
}

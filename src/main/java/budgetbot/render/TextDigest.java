package budgetbot.render;

import budgetbot.render.Section.Cell;
import budgetbot.render.Section.Table;

import java.util.ArrayList;
import java.util.List;

/** The plain text alternative: the same sections as the HTML, in aligned columns. */
final class TextDigest {
    private static final String GAP = "   ";

    private TextDigest() {
    }

    static String render(DigestContent c, List<Section> sections) {
        StringBuilder out = new StringBuilder();
        out.append(c.title()).append('\n').append(c.periodLine()).append('\n');
        c.lateLine().ifPresent(late -> out.append(late).append('\n'));
        out.append('\n').append(c.headline()).append('\n');
        for (Section s : sections) {
            out.append('\n').append("== ").append(s.title()).append(" ==\n");
            s.notes().forEach(n -> out.append(n).append('\n'));
            for (Table t : s.tables()) {
                out.append('\n').append(t.title()).append('\n');
                table(out, t);
            }
        }
        return out.toString();
    }

    private static void table(StringBuilder out, Table t) {
        List<List<String>> lines = new ArrayList<>();
        lines.add(t.headers());
        t.rows().forEach(row -> lines.add(row.stream().map(Cell::text).toList()));
        int[] width = new int[t.headers().size()];
        for (List<String> line : lines) {
            for (int i = 0; i < line.size(); i++) {
                width[i] = Math.max(width[i], length(line.get(i)));
            }
        }
        for (List<String> line : lines) {
            StringBuilder l = new StringBuilder("  ");
            for (int i = 0; i < line.size(); i++) {
                String pad = " ".repeat(width[i] - length(line.get(i)));
                // the first column names the row, the others are numbers and line up on the right
                l.append(i == 0 ? line.get(i) + pad : GAP + pad + line.get(i));
            }
            out.append(l.toString().stripTrailing()).append('\n');
        }
    }

    /** Columns a terminal gives the text: two for a Chinese character or full-width sign, one for others. */
    private static int length(String s) {
        return s.codePoints().map(cp -> Character.UnicodeScript.of(cp) == Character.UnicodeScript.HAN
                || (cp >= 0x3000 && cp <= 0x303F) || (cp >= 0xFF00 && cp <= 0xFF60) ? 2 : 1).sum();
    }
}

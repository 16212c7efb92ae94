package budgetbot.render;

import budgetbot.digest.DigestReport;
import budgetbot.render.Section.Cell;
import budgetbot.render.Section.Table;

import java.util.ArrayList;
import java.util.List;

/** The plain text alternative: the same sections as the HTML, in aligned columns. */
final class TextDigest {
    private static final String GAP = "   ";

    private TextDigest() {
    }

    static String render(String title, DigestReport r, List<Section> sections) {
        StringBuilder out = new StringBuilder();
        out.append(title).append('\n').append(DigestContent.periodLine(r)).append('\n');
        DigestContent.lateLine(r).ifPresent(late -> out.append(late).append('\n'));
        out.append('\n').append(DigestContent.headline(r)).append('\n');
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

    private static int length(String s) {
        return s.codePointCount(0, s.length());
    }
}

package budgetbot.render;

import budgetbot.digest.DigestReport;
import budgetbot.notify.Brief;
import budgetbot.render.Section.Cell;
import budgetbot.render.Section.Table;

import java.util.ArrayList;
import java.util.List;

/**
 * A digest as a {@link Brief}: the same sections as its HTML and text, the usage and budget tables as fields (the
 * numbers a chat shows first) and the other tables as lines (the detail a chat drops first when it must be short),
 * and one info alert for the digest as a whole.
 */
final class BriefDigest {
    private static final String NONE = "–";

    private BriefDigest() {
    }

    static Brief of(DigestContent c, List<Section> sections) {
        List<Brief.Part> parts = new ArrayList<>();
        for (Section s : sections) {
            List<Brief.Field> fields = new ArrayList<>();
            List<String> lines = new ArrayList<>(s.notes());
            for (Table t : s.tables()) {
                if (t.numbers()) {
                    t.rows().forEach(row -> fields.add(new Brief.Field(t.headers().get(0).isEmpty()
                            ? row.get(0).text() : t.headers().get(0) + " " + row.get(0).text(), values(t, row))));
                } else {
                    lines.add(c.w.get("fact", t.title(), "").strip());
                    t.rows().forEach(row -> lines.add(c.w.get("fact", row.get(0).text(), values(t, row))));
                }
            }
            parts.add(new Brief.Part(s.title(), fields, lines));
        }
        DigestReport r = c.r;
        String footer = c.periodLine() + c.lateLine().map(l -> " " + l).orElse("");
        String headline = c.w.get("alert.headline", c.title(), c.headline());
        // one alert that stands for the digest, for receivers that only read alerts (Alertmanager bridges)
        Brief.Alert digest = BriefAlerts.notice(r.name(), "digest", "", false, r.report().start(), r.at(), headline,
                footer);
        return new Brief(Brief.Tone.INFO, headline, parts, footer, List.of(digest));
    }

    /** The cells after the first, each with its column's header: "This period 1.2M · Change ▲ +20%". */
    private static String values(Table t, List<Cell> row) {
        List<String> out = new ArrayList<>();
        for (int i = 1; i < row.size(); i++) {
            String text = row.get(i).text();
            if (!text.equals(NONE)) {
                out.add(t.headers().get(i) + " " + text);
            }
        }
        return out.isEmpty() ? NONE : String.join(" · ", out);
    }
}

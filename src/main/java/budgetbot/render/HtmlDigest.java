package budgetbot.render;

import budgetbot.digest.DigestReport;
import budgetbot.render.Section.Cell;
import budgetbot.render.Section.Table;

import java.util.List;
import java.util.Optional;

/**
 * The email HTML: nested tables with inline styles only, which Outlook and Gmail both lay out, and no
 * external images, scripts or links.
 */
final class HtmlDigest {
    private static final String FONT = "font-family:Arial,Helvetica,sans-serif;";
    private static final String RED = "#c0392b";
    private static final String GREEN = "#1e8449";
    private static final int WIDTH = 640;

    private HtmlDigest() {
    }

    /**
     * @param imageSrc the chart's {@code src}: {@code cid:chart} in a message, the PNG's file name on disk;
     *                 empty when there is no chart
     */
    static String render(String title, DigestReport r, List<Section> sections, Optional<String> imageSrc) {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width\"><title>").append(Html.escape(title))
                .append("</title></head>\n<body style=\"margin:0;padding:0;background:#f3f4f6;\">\n")
                .append("<table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\"")
                .append(" style=\"background:#f3f4f6;\"><tr><td align=\"center\" style=\"padding:16px 8px;\">\n")
                .append("<table role=\"presentation\" width=\"").append(WIDTH)
                .append("\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\" style=\"width:").append(WIDTH)
                .append("px;max-width:100%;background:#ffffff;border:1px solid #e5e7eb;").append(FONT)
                .append("font-size:14px;line-height:20px;color:#1f2937;\">\n");
        row(h, "padding:20px 20px 4px 20px;", "<div style=\"" + FONT + "font-size:20px;line-height:26px;"
                + "font-weight:bold;color:#111827;\">" + Html.escape(title) + "</div>"
                + "<div style=\"" + FONT + "font-size:13px;color:#6b7280;padding-top:4px;\">"
                + Html.escape(DigestContent.periodLine(r)) + "</div>"
                + DigestContent.lateLine(r).map(late -> "<div style=\"" + FONT + "font-size:13px;color:" + RED
                        + ";padding-top:4px;\">" + Html.escape(late) + "</div>").orElse(""));
        row(h, "padding:12px 20px;", "<div style=\"" + FONT + "font-size:16px;font-weight:bold;\">"
                + Html.escape(DigestContent.headline(r)) + "</div>");
        imageSrc.ifPresent(src -> row(h, "padding:4px 20px 12px 20px;", image(src, r)));
        for (Section s : sections) {
            StringBuilder body = new StringBuilder();
            body.append("<div style=\"").append(FONT).append("font-size:17px;font-weight:bold;color:#111827;")
                    .append("border-top:2px solid #e5e7eb;padding-top:12px;\">").append(Html.escape(s.title()))
                    .append("</div>");
            s.notes().forEach(n -> body.append("<p style=\"margin:8px 0;color:#4b5563;\">").append(Html.escape(n))
                    .append("</p>"));
            s.tables().forEach(t -> table(body, t));
            row(h, "padding:8px 20px 12px 20px;", body.toString());
        }
        row(h, "padding:12px 20px 20px 20px;font-size:12px;color:#9ca3af;",
                Html.escape("Made by budgetbot at " + Format.moment(r.at(), r.zone()) + "."));
        h.append("</table>\n</td></tr></table>\n</body></html>\n");
        return h.toString();
    }

    private static String image(String src, DigestReport r) {
        return "<img src=\"" + Html.escape(src) + "\" width=\"" + ChartImage.WIDTH + "\" height=\"" + ChartImage.HEIGHT
                + "\" alt=\"" + Html.escape("Usage per " + Format.barUnit(r.period())) + "\" style=\"display:block;border:0;"
                + "outline:none;width:100%;max-width:" + ChartImage.WIDTH + "px;height:auto;\">";
    }

    private static void row(StringBuilder h, String style, String content) {
        h.append("<tr><td style=\"").append(style).append("\">").append(content).append("</td></tr>\n");
    }

    private static void table(StringBuilder h, Table t) {
        h.append("<div style=\"").append(FONT).append("font-size:13px;font-weight:bold;color:#374151;")
                .append("padding:10px 0 4px 0;\">").append(Html.escape(t.title())).append("</div>")
                .append("<table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\"")
                .append(" style=\"border-collapse:collapse;").append(FONT).append("font-size:13px;\"><tr>");
        for (int i = 0; i < t.headers().size(); i++) {
            h.append("<th align=\"").append(align(i)).append("\" style=\"padding:4px 6px;border-bottom:1px solid ")
                    .append("#d1d5db;color:#6b7280;font-weight:normal;\">").append(Html.escape(t.headers().get(i)))
                    .append("</th>");
        }
        h.append("</tr>");
        for (List<Cell> row : t.rows()) {
            h.append("<tr>");
            for (int i = 0; i < row.size(); i++) {
                Cell c = row.get(i);
                h.append("<td align=\"").append(align(i)).append("\" style=\"padding:4px 6px;")
                        .append("border-bottom:1px solid #f3f4f6;white-space:nowrap;").append(color(c))
                        .append("\">").append(Html.escape(c.text())).append("</td>");
            }
            h.append("</tr>");
        }
        h.append("</table>");
    }

    private static String align(int column) {
        return column == 0 ? "left" : "right";
    }

    private static String color(Cell c) {
        return switch (c.tone()) {
            case UP -> "color:" + RED + ";";
            case DOWN -> "color:" + GREEN + ";";
            case PLAIN -> "";
        };
    }
}

package budgetbot.render;

import budgetbot.render.Section.Cell;
import budgetbot.render.Section.Table;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The email HTML: nested tables with inline styles, which Outlook and Gmail both lay out, and no external
 * images, scripts, fonts or links.
 *
 * <p>It fits a mail pane of {@link #WIDTH} pixels or less: names wrap (anywhere, if they have no spaces),
 * other cells wrap at their spaces but never between a currency or an arrow and its number, and the chart scales
 * to the width. On a phone (480 pixels or less) the one style rule, a media query, stacks each table row into
 * lines that name their column; a client that ignores it still gets the narrow table.
 */
final class HtmlDigest {
    static final int WIDTH = 600;
    private static final int PADDING = 20;
    private static final String FONT = "font-family:Arial,Helvetica,sans-serif;";
    /** For names: they may have no spaces at all (a 200-character rule name), so they break anywhere. */
    private static final String WRAP = "overflow-wrap:anywhere;word-break:break-word;";
    private static final String RED = "#c0392b";
    private static final String GREEN = "#1e8449";
    /** Spaces that must not break: after an arrow ("▲ +12"), between a currency and its amount ("CNY 84.20"). */
    private static final Pattern GLUED = Pattern.compile("(?<=[▲▼]) |(?<=\\b[A-Z]{3}) (?=[-+]?\\d)");
    private static final String PHONE = "@media only screen and (max-width:480px){"
            + ".bb-outer{padding:0 !important}"
            + ".bb-pad{padding-left:12px !important;padding-right:12px !important}"
            + "table.bb-t,table.bb-t tbody,table.bb-t tr{display:block !important;width:auto !important}"
            + "table.bb-t tr.bb-head{display:none !important}"
            + "table.bb-t tr{border-bottom:1px solid #e5e7eb;padding:6px 0}"
            + "table.bb-t td{display:inline-block !important;border:0 !important;text-align:left !important;"
            + "padding:1px 14px 1px 0 !important}"
            + "table.bb-t td.bb-name{display:block !important;font-weight:bold}"
            + ".bb-label{display:inline !important}}";

    private HtmlDigest() {
    }

    /**
     * @param imageSrc the chart's {@code src}: {@code cid:chart} in a message, the PNG's file name on disk;
     *                 empty when there is no chart
     */
    static String render(DigestContent c, List<Section> sections, Optional<String> imageSrc) {
        String title = c.title();
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"").append(c.w.locale().toLanguageTag())
                .append("\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>")
                .append(Html.escape(title)).append("</title>\n<style>").append(PHONE).append("</style></head>\n")
                .append("<body style=\"margin:0;padding:0;background:#f3f4f6;-webkit-text-size-adjust:100%;\">\n")
                .append("<table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\"")
                .append(" style=\"background:#f3f4f6;\"><tr><td class=\"bb-outer\" align=\"center\"")
                .append(" style=\"padding:16px 8px;\">\n")
                // the width attribute is for Outlook, which ignores CSS widths; browsers take 100%, at most WIDTH
                .append("<table role=\"presentation\" width=\"").append(WIDTH)
                .append("\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\" style=\"width:100%;max-width:")
                .append(WIDTH).append("px;background:#ffffff;border:1px solid #e5e7eb;").append(FONT)
                .append("font-size:14px;line-height:20px;color:#1f2937;\">\n");
        row(h, "padding-top:20px;padding-bottom:4px;", "<div style=\"" + FONT + WRAP + "font-size:20px;line-height:26px;"
                + "font-weight:bold;color:#111827;\">" + Html.escape(title) + "</div>"
                + "<div style=\"" + FONT + "font-size:13px;color:#6b7280;padding-top:4px;\">"
                + Html.escape(c.periodLine()) + "</div>"
                + c.lateLine().map(late -> "<div style=\"" + FONT + "font-size:13px;color:" + RED
                        + ";padding-top:4px;\">" + Html.escape(late) + "</div>").orElse(""));
        row(h, "padding-top:12px;padding-bottom:12px;", "<div style=\"" + FONT + "font-size:16px;font-weight:bold;\">"
                + Html.escape(c.headline()) + "</div>");
        imageSrc.ifPresent(src -> row(h, "padding-top:4px;padding-bottom:12px;", image(src, c)));
        for (Section s : sections) {
            StringBuilder body = new StringBuilder();
            body.append("<div style=\"").append(FONT).append(WRAP).append("font-size:17px;font-weight:bold;color:#111827;")
                    .append("border-top:2px solid #e5e7eb;padding-top:12px;\">").append(Html.escape(s.title()))
                    .append("</div>");
            s.notes().forEach(n -> body.append("<p style=\"margin:8px 0;color:#4b5563;").append(WRAP).append("\">")
                    .append(Html.escape(n))
                    .append("</p>"));
            s.tables().forEach(t -> table(body, t));
            row(h, "padding-top:8px;padding-bottom:12px;", body.toString());
        }
        row(h, "padding-top:12px;padding-bottom:20px;font-size:12px;color:#9ca3af;",
                Html.escape(c.w.get("digest.madeAt", c.moment(c.r.at()))));
        h.append("</table>\n</td></tr></table>\n</body></html>\n");
        return h.toString();
    }

    /** The chart at most as wide as the content, and narrower with the pane; the PNG has twice the pixels. */
    private static String image(String src, DigestContent c) {
        int width = WIDTH - 2 * PADDING;
        int height = ChartImage.HEIGHT * width / ChartImage.WIDTH;
        return "<img src=\"" + Html.escape(src) + "\" width=\"" + width + "\" height=\"" + height
                + "\" alt=\"" + Html.escape(c.w.get("chart.alt",
                Format.barUnit(c.r.period(), c.w))) + "\" style=\"display:block;"
                + "border:0;outline:none;width:100%;max-width:" + width + "px;height:auto;\">";
    }

    private static void row(StringBuilder h, String style, String content) {
        h.append("<tr><td class=\"bb-pad\" style=\"padding-left:").append(PADDING).append("px;padding-right:")
                .append(PADDING).append("px;").append(style).append("\">").append(content).append("</td></tr>\n");
    }

    private static void table(StringBuilder h, Table t) {
        h.append("<div style=\"").append(FONT).append("font-size:13px;font-weight:bold;color:#374151;")
                .append("padding:10px 0 4px 0;\">").append(Html.escape(t.title())).append("</div>")
                .append("<table class=\"bb-t\" role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\"")
                .append(" border=\"0\" style=\"border-collapse:collapse;").append(FONT)
                .append("font-size:13px;\"><tr class=\"bb-head\">");
        for (int i = 0; i < t.headers().size(); i++) {
            h.append("<th align=\"").append(align(i)).append("\" style=\"padding:4px 6px;border-bottom:1px solid ")
                    .append("#d1d5db;color:#6b7280;font-weight:normal;vertical-align:bottom;\">")
                    .append(Html.escape(t.headers().get(i))).append("</th>");
        }
        h.append("</tr>");
        for (List<Cell> row : t.rows()) {
            h.append("<tr>");
            for (int i = 0; i < row.size(); i++) {
                Cell c = row.get(i);
                // a name gives way first (anywhere); other cells only at their spaces
                h.append("<td").append(i == 0 ? " class=\"bb-name\"" : "").append(" align=\"").append(align(i))
                        .append("\" style=\"padding:4px 6px;vertical-align:top;border-bottom:1px solid #f3f4f6;")
                        .append(c.name() ? WRAP : "").append(color(c)).append("\">");
                if (i > 0 && !t.headers().get(i).isEmpty()) {
                    // shown only where the media query stacks the row and the column header is gone
                    h.append("<span class=\"bb-label\" style=\"display:none;mso-hide:all;color:#6b7280;\">")
                            .append(Html.escape(t.headers().get(i))).append(": </span>");
                }
                h.append(GLUED.matcher(Html.escape(c.text())).replaceAll("&nbsp;")).append("</td>");
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

package budgetbot.render;

import budgetbot.digest.DigestReport;
import budgetbot.digest.GroupReport;
import budgetbot.notify.Image;
import budgetbot.notify.Message;

import java.util.List;
import java.util.Optional;

/** Renders a {@link DigestReport} as an email (HTML + text + inline chart), Slack blocks and files. */
public final class DigestRenderer {
    /** The chart's content id in {@link Message#images()}; the message HTML refers to {@code cid:chart}. */
    public static final String CHART_ID = "chart";

    private DigestRenderer() {
    }

    public static RenderedDigest render(DigestReport r) {
        String title = r.name() + " for " + Format.period(r.period(), r.report(), r.zone());
        String baseName = r.name().replaceAll("[^A-Za-z0-9._-]", "-") + "-"
                + Format.fileDate(r.period(), r.report(), r.zone());
        List<Section> sections = DigestContent.sections(r);
        Optional<Image> chart = r.noUsage() ? Optional.empty()
                : Optional.of(new Image(CHART_ID, baseName + ".png", ChartImage.png(r)));
        String text = TextDigest.render(title, r, sections);
        Message message = new Message("digest", Amounts.SUBJECT_PREFIX + title + ": " + summary(r), text,
                Mrkdwn.fallback(text), HtmlDigest.render(title, r, sections, chart.map(c -> "cid:" + c.contentId())),
                SlackDigest.render(title, r), chart.stream().toList());
        String fileHtml = HtmlDigest.render(title, r, sections, chart.map(Image::filename));
        return new RenderedDigest(baseName, message, fileHtml, text, chart);
    }

    /** {@code 12.3M tokens, CNY 84.20 (+12%)} for the subject line. */
    private static String summary(DigestReport r) {
        GroupReport h = r.headline();
        if (h.noUsage()) {
            return "no usage";
        }
        String cost = h.report().cost().map(c -> ", " + Format.money(r.currency(), c)).orElse("");
        return Format.compact(h.report().totals().totalTokens()) + " tokens" + cost + " ("
                + Format.percent(h.headline()) + ")";
    }
}

package budgetbot.render;

import budgetbot.digest.DigestReport;
import budgetbot.digest.GroupReport;
import budgetbot.notify.Image;
import budgetbot.notify.Message;
import budgetbot.rules.Kind;
import budgetbot.config.Metric;
import budgetbot.state.StateException;
import budgetbot.usage.UsageException;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Optional;

/** Renders a {@link DigestReport} as an email (HTML + text + inline chart), Slack blocks and files. */
public final class DigestRenderer {
    /** The chart's content id in {@link Message#images()}; the message HTML refers to {@code cid:chart}. */
    public static final String CHART_ID = "chart";

    private DigestRenderer() {
    }

    public static RenderedDigest render(DigestReport r) {
        return render(r, Words.EN, KeyLabels.NONE);
    }

    /** As {@link #render(DigestReport)}, in {@code words}, naming keys with {@code labels}. */
    public static RenderedDigest render(DigestReport r, Words words, KeyLabels labels) {
        DigestContent c = new DigestContent(r, words, labels);
        String title = c.title();
        // a file name may hold any letter (财务周报 stays itself); only what separates paths or is no text goes
        String baseName = r.name().replaceAll("[/\\\\\\p{Cntrl}]", "-").replaceAll("^\\.", "-") + "-"
                + Format.fileDate(r.period(), r.report(), r.zone());
        List<Section> sections = c.sections();
        Optional<Image> chart = r.noUsage() ? Optional.empty()
                : Optional.of(new Image(CHART_ID, baseName + ".png", ChartImage.png(c)));
        String text = TextDigest.render(c, sections);
        Message message = new Message("digest", Amounts.SUBJECT_PREFIX + words.get("alert.headline", title,
                summary(c)), text, Mrkdwn.fallback(text), HtmlDigest.render(c, sections,
                chart.map(i -> "cid:" + i.contentId())), SlackDigest.render(c), chart.stream().toList(),
                BriefDigest.of(c, sections));
        String fileHtml = HtmlDigest.render(c, sections, chart.map(Image::filename));
        return new RenderedDigest(baseName, message, fileHtml, text, chart);
    }

    /** Why a digest could not be made, as its late note says it: "usage could not be fetched from UCloud". */
    public static String lateReason(RuntimeException e) {
        return Words.EN.get(e instanceof UsageException ? "late.ucloud"
                : e instanceof StateException ? "late.database" : "late.build");
    }

    /** The late note of a digest that was due while no instance ran. */
    public static String notRunning() {
        return Words.EN.get("late.notRunning");
    }

    /** A budget's threshold as alerts state it; forecasts and growth have no level beyond firing. */
    public static String firedLevel(Kind kind, BigDecimal level) {
        return kind == Kind.BUDGET ? Amounts.percent(level, 1, RoundingMode.DOWN) : "–";
    }

    /** {@code 12.3M tokens, CNY 84.20 (+12%)} for the subject line. */
    private static String summary(DigestContent c) {
        GroupReport h = c.r.headline();
        if (h.noUsage()) {
            return c.w.get("digest.subjectNoUsage");
        }
        String cost = h.report().cost().map(v -> c.w.get("list.comma") + c.money(v)).orElse("");
        return c.w.get("digest.subject", c.w.counted(Metric.TOKENS, Format.compact(h.report().totals().totalTokens())),
                cost, c.percent(h.headline()));
    }
}

package budgetbot.render;

import budgetbot.digest.DigestReport;
import budgetbot.digest.GroupReport;
import budgetbot.notify.Image;
import budgetbot.notify.Message;
import budgetbot.rules.Kind;
import budgetbot.state.AlertStatus;
import budgetbot.state.StateException;
import budgetbot.usage.UsageException;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Renders a {@link DigestReport} as an email (HTML + text + inline chart), Slack blocks and files. */
public final class DigestRenderer {
    /** The chart's content id in {@link Message#images()}; the message HTML refers to {@code cid:chart}. */
    public static final String CHART_ID = "chart";

    private DigestRenderer() {
    }

    public static RenderedDigest render(DigestReport r) {
        String title = r.name() + " for " + Format.period(r.period(), r.report(), r.zone());
        // a file name may hold any letter (财务周报 stays itself); only what separates paths or is no text goes
        String baseName = r.name().replaceAll("[/\\\\\\p{Cntrl}]", "-").replaceAll("^\\.", "-") + "-"
                + Format.fileDate(r.period(), r.report(), r.zone());
        List<Section> sections = DigestContent.sections(r);
        Optional<Image> chart = r.noUsage() ? Optional.empty()
                : Optional.of(new Image(CHART_ID, baseName + ".png", ChartImage.png(r)));
        String text = TextDigest.render(title, r, sections);
        Message message = new Message("digest", Amounts.SUBJECT_PREFIX + title + ": " + summary(r), text,
                Mrkdwn.fallback(text), HtmlDigest.render(title, r, sections, chart.map(c -> "cid:" + c.contentId())),
                SlackDigest.render(title, r), chart.stream().toList(), BriefDigest.of(title, r, sections));
        String fileHtml = HtmlDigest.render(title, r, sections, chart.map(Image::filename));
        return new RenderedDigest(baseName, message, fileHtml, text, chart);
    }

    /** Why a digest could not be made, as its late note says it: "usage could not be fetched from UCloud". */
    public static String lateReason(RuntimeException e) {
        if (e instanceof UsageException) {
            return "usage could not be fetched from UCloud";
        }
        if (e instanceof StateException) {
            return "the state database could not be used";
        }
        return "it could not be built";
    }

    /** An announcement's status as a digest lists it: {@code firing}, {@code resolved (silenced)}. */
    public static String firedStatus(AlertStatus status, boolean silenced) {
        return status.name().toLowerCase(Locale.ROOT) + (silenced ? " (silenced)" : "");
    }

    /** A budget's threshold as alerts state it; forecasts and growth have no level beyond firing. */
    public static String firedLevel(Kind kind, BigDecimal level) {
        return kind == Kind.BUDGET ? Amounts.percent(level, 1, RoundingMode.DOWN) : "–";
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

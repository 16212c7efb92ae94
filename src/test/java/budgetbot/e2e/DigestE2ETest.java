package budgetbot.e2e;

import budgetbot.config.ModelPrice;
import budgetbot.rules.Metrics;
import budgetbot.time.Window;
import budgetbot.usage.Series;
import budgetbot.usage.UsageTotals;
import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

import static budgetbot.e2e.Scenario.PROD;
import static budgetbot.e2e.Scenario.QWQ;
import static budgetbot.e2e.Scenario.R1;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code budgetbot digest}, the acceptance of the digest issue: the files, their numbers against the simulator's
 * data, and one delivery per channel (mail with an inline chart, Slack webhook, Slack bot with the chart uploaded).
 */
class DigestE2ETest {
    /** The morning after the spike day: the digest covers 20 Nov and compares it with 19 Nov. */
    private static final Instant MORNING_AFTER = Scenario.at("2026-11-21T09:00");
    private static final Window REPORT = Scenario.day("2026-11-20");
    private static final Window PREVIOUS = Scenario.day("2026-11-19");
    private static final String BASE_NAME = "daily-summary-2026-11-20";
    private static final String TITLE = "daily-summary for Fri 20 Nov 2026";
    /** The prices of bot.yml. */
    private static final Map<String, ModelPrice> PRICES = Map.of(
            R1, new ModelPrice(BigDecimal.valueOf(4), BigDecimal.valueOf(16), BigDecimal.ZERO),
            QWQ, new ModelPrice(BigDecimal.valueOf(2), BigDecimal.valueOf(6), BigDecimal.ZERO));
    /** 560 CSS pixels, drawn at twice that for sharp screens. */
    private static final int CHART_WIDTH = 1120;

    @TempDir
    Path dir;

    Bot bot;

    @BeforeEach
    void install() {
        bot = Bot.install(dir);
    }

    @AfterEach
    void uninstall() {
        bot.close();
    }

    private Cli.Run digest(String... more) {
        List<String> args = new ArrayList<>(List.of("--name", "daily-summary", "--at", Scenario.arg(MORNING_AFTER)));
        args.addAll(List.of(more));
        return bot.run("digest", args.toArray(String[]::new));
    }

    private static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** Money as the digest shows it: currency, thousands separators, two decimals rounded half up. */
    private static String money(BigDecimal v) {
        return String.format(Locale.ROOT, "CNY %,.2f", v);
    }

    private BigDecimal cost(String model, Window w) {
        return Metrics.cost(bot.sim.expected(new Series(PROD, model), w), PRICES.get(model));
    }

    private BigDecimal cost(Window w) {
        return cost(R1, w).add(cost(QWQ, w));
    }

    /**
     * The rows of the text table titled {@code title}, by their first cell. Columns are at least two spaces apart;
     * a cell has at most single spaces inside.
     */
    private static Map<String, List<String>> table(String text, String title) {
        List<String> lines = text.lines().toList();
        int start = lines.indexOf(title);
        assertThat(start).as("table " + title + " in:%n" + text).isNotNegative();
        Map<String, List<String>> rows = new LinkedHashMap<>();
        for (String line : lines.subList(start + 2, lines.size())) {
            if (line.isBlank()) {
                break;
            }
            List<String> cells = List.of(line.strip().split("\\s{2,}"));
            rows.put(cells.get(0), cells.subList(1, cells.size()));
        }
        return rows;
    }

    private static BufferedImage png(byte[] bytes) throws IOException {
        try (InputStream in = new ByteArrayInputStream(bytes)) {
            BufferedImage image = ImageIO.read(in);
            assertThat(image).as("a decodable PNG").isNotNull();
            return image;
        }
    }

    @Test
    void writesHtmlTextAndChartWithTheSimulatorsNumbersForThePreviousDayAndSendsNothing() throws Exception {
        bot.startMail();
        Path out = dir.resolve("digest");

        Cli.Run run = digest("--out", out.toString()).exits(0);

        Path html = out.resolve(BASE_NAME + ".html");
        Path text = out.resolve(BASE_NAME + ".txt");
        Path chart = out.resolve(BASE_NAME + ".png");
        assertThat(run.out().lines()).containsExactly("wrote " + html, "wrote " + text, "wrote " + chart);
        UsageTotals day = Scenario.prod(bot.sim, REPORT);
        UsageTotals before = Scenario.prod(bot.sim, PREVIOUS);
        String txt = Files.readString(text);
        assertThat(txt.lines().limit(2)).containsExactly(TITLE,
                "Compared with Thu 19 Nov 2026. Times in Asia/Shanghai.");
        assertThat(txt).contains(count(day.totalTokens()) + " tokens, " + money(cost(REPORT)) + " (▲ ");

        Map<String, List<String>> usage = table(txt, "Usage");
        assertThat(usage.keySet()).containsExactly("tokens", "input tokens", "output tokens", "requests", "cost");
        assertThat(usage.get("tokens")).startsWith(count(day.totalTokens()), count(before.totalTokens()));
        assertThat(usage.get("input tokens")).startsWith(count(day.inputTokens()), count(before.inputTokens()));
        assertThat(usage.get("output tokens")).startsWith(count(day.outputTokens()), count(before.outputTokens()));
        assertThat(usage.get("requests")).startsWith(count(day.requests()), count(before.requests()));
        assertThat(usage.get("cost")).startsWith(money(cost(REPORT)), money(cost(PREVIOUS)));
        assertThat(usage.get("tokens").get(2)).isEqualTo("▲ +" + count(day.totalTokens() - before.totalTokens())
                + " (+" + Math.round(100.0 * (day.totalTokens() - before.totalTokens()) / before.totalTokens()) + "%)");

        assertThat(table(txt, "Budgets").get("tokens per day")).startsWith("15,000,000",
                count(day.totalTokens()) + " (" + day.totalTokens() * 100 / 15_000_000 + "%)"); // rounded down, as alerts do
        Map<String, List<String>> consumers = table(txt, "Top consumers by cost");
        // the key by the name the simulator's listing gives it, beside its id
        String prod = "search (" + PROD + ")";
        assertThat(consumers.keySet()).containsExactlyInAnyOrder(prod + " x " + R1, prod + " x " + QWQ);
        assertThat(consumers.get(prod + " x " + R1).get(0)).isEqualTo(money(cost(R1, REPORT)));
        assertThat(consumers.get(prod + " x " + QWQ).get(0)).isEqualTo(money(cost(QWQ, REPORT)));

        assertThat(Files.readString(html)).contains(TITLE, count(day.totalTokens()), money(cost(REPORT)),
                "src=\"" + BASE_NAME + ".png\"");
        assertThat(png(Files.readAllBytes(chart)).getWidth()).isEqualTo(CHART_WIDTH);

        assertThat(bot.slack.paths()).isEmpty();
        assertThat(bot.mails()).isEmpty();
    }

    @Test
    void sendsOneMailWithAnInlineChartOneWebhookPostAndOneBotPostWithTheChartUploadedOnce() throws Exception {
        bot.startMail();
        Path out = dir.resolve("digest");
        digest("--out", out.toString()).exits(0);

        Cli.Run run = digest().exits(0);

        assertThat(run.out()).contains("queued for [finance-email, team-slack, finops-slack]",
                "delivery: 3 sent, 0 failed, 0 pending");
        byte[] chart = Files.readAllBytes(out.resolve(BASE_NAME + ".png"));

        assertThat(bot.mails()).hasSize(1);
        MimeMessage mail = bot.mails().get(0);
        assertThat(Bot.subject(mail)).startsWith("[budgetbot] " + TITLE + ": ");
        assertThat(mail.getContentType()).startsWith("multipart/alternative");
        Multipart alternative = (Multipart) mail.getContent();
        assertThat((String) alternative.getBodyPart(0).getContent()).as("the text part is the text file, in CRLF lines")
                .isEqualToNormalizingNewlines(Files.readString(out.resolve(BASE_NAME + ".txt")));
        BodyPart relatedPart = alternative.getBodyPart(1);
        assertThat(relatedPart.getContentType()).startsWith("multipart/related");
        Multipart related = (Multipart) relatedPart.getContent();
        assertThat(related.getCount()).isEqualTo(2);
        assertThat(related.getBodyPart(0).getContentType()).startsWith("text/html");
        BodyPart image = related.getBodyPart(1);
        assertThat(image.getContentType()).startsWith("image/png");
        String contentId = image.getHeader("Content-ID")[0];
        assertThat(contentId).startsWith("<chart.").endsWith("@example.com>");
        assertThat((String) related.getBodyPart(0).getContent())
                .contains("src=\"cid:" + contentId.substring(1, contentId.length() - 1) + "\"");
        assertThat(image.getDisposition()).isEqualTo(BodyPart.INLINE);
        assertThat(png(image.getInputStream().readAllBytes()).getWidth()).isEqualTo(CHART_WIDTH);

        assertThat(bot.slack.delivered(SlackServer.HOOK)).hasSize(1)
                .allSatisfy(r -> assertThat(r.text()).startsWith(TITLE));

        assertThat(bot.slack.paths()).filteredOn(p -> !p.equals(SlackServer.HOOK)).containsExactly(
                SlackServer.POST_MESSAGE, SlackServer.GET_UPLOAD_URL, SlackServer.UPLOAD, SlackServer.COMPLETE_UPLOAD);
        Map<String, String> post = bot.slack.received(SlackServer.POST_MESSAGE).get(0).form();
        assertThat(post).containsEntry("channel", "#llm-spend").containsKey("blocks");
        assertThat(post.get("text")).startsWith(TITLE);
        assertThat(bot.slack.received(SlackServer.GET_UPLOAD_URL).get(0).form())
                .containsEntry("filename", BASE_NAME + ".png").containsEntry("length", Integer.toString(chart.length));
        assertThat(bot.slack.received(SlackServer.UPLOAD).get(0).bytes()).isEqualTo(chart);
        assertThat(bot.slack.received(SlackServer.COMPLETE_UPLOAD).get(0).form()).containsEntry("channel_id", "C0E2E");

        Cli.Run again = digest().exits(0);

        assertThat(again.out()).contains("already sent or queued for [finance-email, team-slack, finops-slack]",
                "delivery: 0 sent, 0 failed, 0 pending");
        assertThat(bot.mails()).hasSize(1);
        assertThat(bot.slack.paths()).hasSize(5);
    }

    @Test
    void aDigestTheMailServerDidNotTakeFailsTheRunStaysQueuedAndTheNextRunDeliversIt() {
        Cli.Run down = digest().exits(1);

        assertThat(down.out()).contains("queued for [finance-email, team-slack, finops-slack]",
                "delivery: 2 sent, 1 failed, 1 pending (1 could not be delivered and stays queued");
        assertThat(bot.mails()).isEmpty();

        bot.startMail();
        Cli.Run again = digest().exits(0);

        assertThat(again.out()).contains("already sent or queued for [finance-email, team-slack, finops-slack]",
                "delivery: 1 sent, 0 failed, 0 pending");
        assertThat(bot.mails()).singleElement().satisfies(m -> assertThat(Bot.subject(m)).contains(TITLE));
    }

    @Test
    void listsTheAlertsThatChecksAnnouncedOnTheDayOnce() throws Exception {
        bot.startMail();
        bot.run("check", "--at", Scenario.arg(Scenario.at("2026-11-20T15:00"))).exits(0);
        bot.run("check", "--at", Scenario.arg(Scenario.at("2026-11-20T22:00"))).exits(0);
        Path out = dir.resolve("digest");

        digest("--out", out.toString()).exits(0);

        // each alert went to two channels; prod-growth is not a rule of this digest
        Map<String, List<String>> alerts = table(Files.readString(out.resolve(BASE_NAME + ".txt")), "Alerts");
        assertThat(alerts).containsExactly(
                Map.entry("Fri 20 Nov 2026 15:00", List.of("budget 50%, firing", "all")),
                Map.entry("Fri 20 Nov 2026 22:00", List.of("budget 80%, escalated", "all")));
    }
}

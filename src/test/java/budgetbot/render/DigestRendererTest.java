package budgetbot.render;

import budgetbot.config.BotConfig;
import budgetbot.config.DigestConfig;
import budgetbot.config.GroupBy;
import budgetbot.config.Metric;
import budgetbot.config.RuleConfig;
import budgetbot.digest.ActiveSilence;
import budgetbot.digest.DigestBuilder;
import budgetbot.digest.DigestPlan;
import budgetbot.digest.DigestReport;
import budgetbot.digest.FiredAlert;
import budgetbot.digest.Fixture;
import budgetbot.digest.GroupReport;
import budgetbot.digest.Lateness;
import budgetbot.notify.Image;
import budgetbot.notify.Message;
import budgetbot.rules.Finding;
import budgetbot.rules.Kind;
import budgetbot.rules.Projection;
import budgetbot.time.PeriodUnit;
import budgetbot.time.Window;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

class DigestRendererTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode blocks(Message m) throws IOException {
        JsonNode blocks = JSON.readTree(m.slackBlocks());
        assertThat(blocks.isArray()).isTrue();
        return blocks;
    }

    /** Every text Slack will see, with the limit that applies to it. */
    private static void assertWithinBlockKitLimits(JsonNode blocks) {
        assertThat(blocks.size()).isLessThanOrEqualTo(50);
        for (JsonNode b : blocks) {
            switch (b.get("type").asText()) {
                case "header" -> assertThat(b.at("/text/text").asText().length()).isLessThanOrEqualTo(150);
                case "section" -> {
                    assertThat(b.at("/text/text").asText().length()).isBetween(1, 3000);
                    assertThat(b.path("fields").size()).isLessThanOrEqualTo(10);
                    b.path("fields").forEach(f -> assertThat(f.get("text").asText().length())
                            .isLessThanOrEqualTo(2000));
                }
                case "context" -> b.get("elements").forEach(e -> assertThat(e.get("text").asText().length())
                        .isBetween(1, 3000));
                default -> throw new AssertionError("unexpected block " + b);
            }
        }
    }

    private static RenderedDigest late(Duration by, String reason) {
        DigestPlan plan = DigestPlan.of(Fixture.daily(), Fixture.config(), Fixture.AT,
                Optional.of(new Lateness(Fixture.AT.minus(by), reason)));
        return DigestRenderer.render(DigestBuilder.build(plan, Fixture.config(), Fixture.snapshot(plan), List.of(),
                List.of()));
    }

    @Test
    void aLateDigestSaysHowLateAndWhyUnderItsTitleInTextHtmlAndSlack() throws IOException {
        RenderedDigest d = late(Duration.ofMinutes(130), "usage could not be fetched from UCloud");
        String line = "Sent 2h 10m late: usage could not be fetched from UCloud at 05:50.";

        assertThat(d.text().lines().limit(3)).containsExactly("daily-summary for Thu 26 Nov 2026",
                "Compared with Wed 25 Nov 2026. Times in Asia/Shanghai.", line);
        assertThat(d.message().html()).contains(Html.escape(line));
        assertThat(blocks(d.message()).get(1).at("/elements/0/text").asText()).endsWith("\n:hourglass: " + line);
        assertWithinBlockKitLimits(blocks(d.message()));
    }

    @Test
    void aDigestDueTheDayBeforeNamesTheDay() {
        assertThat(late(Duration.ofHours(10), "budgetbot was not running").text())
                .contains("Sent 10h late: budgetbot was not running at Thu 26 Nov 2026 22:00.");
    }

    @Test
    void aDigestOnTimeOrLessThanAMinuteLateSaysNothingOfIt() {
        assertThat(late(Duration.ofSeconds(59), "budgetbot was not running").text()).doesNotContain("late");
        assertThat(DigestRenderer.render(Fixture.dailyReport()).text()).doesNotContain("late");
    }

    @Test
    void subjectSumsUpTheDay() {
        DigestReport r = Fixture.dailyReport();
        GroupReport g = r.headline();

        Message m = DigestRenderer.render(r).message();

        // day 1: 4000 input per hour factor (x 300) plus a tenth as output = 1,320,000 tokens; day 0: 1,155,000
        assertThat(g.report().totals().totalTokens()).isEqualTo(1_320_000);
        String cost = Format.money(Optional.of("CNY"), g.report().cost().orElseThrow());
        assertThat(m.kind()).isEqualTo("digest");
        assertThat(m.subject()).isEqualTo("[budgetbot] daily-summary for Thu 26 Nov 2026: 1.3M tokens, " + cost
                + " (" + Format.percent(g.headline()) + ")");
        assertThat(m.subject()).matches(".*CNY \\d+\\.\\d\\d \\(\\+\\d+%\\)");
    }

    @Test
    void htmlAndTextCarryTheSameKeyNumbers() {
        DigestReport r = Fixture.dailyReport();
        GroupReport g = r.headline();

        RenderedDigest d = DigestRenderer.render(r);

        List<String> numbers = List.of("1,320,000", "1,155,000", Format.money(r.currency(),
                        g.report().cost().orElseThrow()), Format.money(r.currency(), g.previous().cost().orElseThrow()),
                Format.change(Metric.TOKENS, g.change(Metric.TOKENS), r.currency()),
                Format.change(Metric.COST, g.change(Metric.COST), r.currency()), "k1 x big", "k2 x small", "new");
        assertThat(Format.change(Metric.TOKENS, g.change(Metric.TOKENS), r.currency()))
                .isEqualTo("▲ +165,000 (+14%)");
        assertThat(d.text()).contains(numbers);
        assertThat(d.message().text()).isEqualTo(d.text());
        // the HTML keeps an amount with its currency and a change with its arrow on one line
        assertThat(d.message().html().replace("&nbsp;", " ")).contains(numbers);
        assertThat(d.html().replace("&nbsp;", " ")).contains(numbers);
    }

    @Test
    void textLinesUpTheColumnsOfATable() {
        String text = DigestRenderer.render(Fixture.dailyReport()).text();

        List<String> usage = text.lines().dropWhile(l -> !l.equals("Usage")).skip(1).takeWhile(l -> !l.isBlank())
                .toList();
        assertThat(usage).hasSizeGreaterThanOrEqualTo(5);
        assertThat(usage).extracting(String::length).containsOnly(usage.get(0).length());
        assertThat(usage.get(1)).startsWith("  tokens ").endsWith("▲ +165,000 (+14%)");
    }

    @Test
    void htmlIsSelfContainedAndColoursIncreasesRedAndDecreasesGreen() {
        RenderedDigest d = DigestRenderer.render(Fixture.dailyReport());

        for (String html : List.of(d.message().html(), d.html())) {
            assertThat(html).doesNotContainIgnoringCase("<script").doesNotContainIgnoringCase("<link")
                    .doesNotContainIgnoringCase("http").doesNotContainIgnoringCase("<a ")
                    .doesNotContainIgnoringCase("@import").doesNotContainIgnoringCase("url(");
            assertThat(html).as("one style element: the phone layout").containsOnlyOnce("<style>@media");
            assertThat(html).containsPattern("color:#c0392b;\">(<span[^>]*>[^<]*</span>)?▲&nbsp;\\+165,000");
            assertThat(html).containsPattern("color:#1e8449;\">(<span[^>]*>[^<]*</span>)?▼&nbsp;-");
        }
        assertThat(d.message().html()).contains("src=\"cid:chart\"").doesNotContain("daily-summary-2026-11-26.png");
        assertThat(d.html()).contains("src=\"daily-summary-2026-11-26.png\"").doesNotContain("cid:");
    }

    @Test
    void chartIsDrawnAtTwiceItsSizeAndCarriedAsInlineImage() throws IOException {
        RenderedDigest d = DigestRenderer.render(Fixture.dailyReport());

        assertThat(d.message().images()).hasSize(1);
        Image chart = d.message().images().get(0);
        assertThat(chart.contentId()).isEqualTo("chart");
        assertThat(chart.filename()).isEqualTo("daily-summary-2026-11-26.png");
        BufferedImage png = ImageIO.read(new ByteArrayInputStream(chart.png()));
        assertThat(png).isNotNull();
        assertThat(png.getWidth()).isEqualTo(ChartImage.WIDTH * ChartImage.SCALE);
        assertThat(png.getHeight()).isEqualTo(ChartImage.HEIGHT * ChartImage.SCALE);
        assertThat(d.message().html()).contains("width=\"560\" height=\"400\"");
    }

    /** prod and a second rule over the same keys and models: the total and both rules have one scope. */
    private static DigestReport overlapping() {
        List<RuleConfig> rules = List.of(Fixture.prod(), Fixture.rule("spend", GroupBy.KEY, List.of("k1", "k2"),
                List.of("big", "small"), Fixture.DAILY_COST));
        DigestConfig d = Fixture.digest(PeriodUnit.DAY, List.of("prod", "spend"), List.of(), List.of());
        BotConfig cfg = Fixture.config(Fixture.PRICES, rules, d);
        DigestPlan plan = DigestPlan.of(d, cfg, Fixture.AT);
        return DigestBuilder.build(plan, cfg, Fixture.snapshot(plan), List.of(), List.of());
    }

    @Test
    void overlappingRulesShowTheUsageTablesOncePerScope() throws IOException {
        RenderedDigest d = DigestRenderer.render(overlapping());

        for (String title : List.of("\nUsage\n", "\nTop consumers by cost\n", "\nTop movers by cost\n")) {
            assertThat(d.text()).containsOnlyOnce(title);
        }
        assertThat(d.text()).contains("== prod ==\nUsage, top consumers and movers: the same keys and models as"
                + " Total above.", "== spend ==\nUsage, top consumers and movers: the same keys and models as Total"
                + " above.").contains("cost per day, k1");
        assertThat(d.message().html()).containsOnlyOnce(">Usage<").containsOnlyOnce(">Top consumers by cost<");
        JsonNode blocks = blocks(d.message());
        assertThat(blocks.get(2).has("fields")).as("the total has the numbers").isTrue();
        assertThat(blocks.get(3).has("fields")).as("prod refers to the total").isFalse();
        assertThat(blocks.get(3).at("/text/text").asText()).doesNotContain("Top: ", "`");
    }

    @Test
    void moversShowDecreasesToo() {
        String text = DigestRenderer.render(Fixture.dailyReport()).text();

        List<String> movers = text.lines().dropWhile(l -> !l.startsWith("Top movers")).skip(2)
                .takeWhile(l -> !l.isBlank()).toList();
        assertThat(movers).anySatisfy(l -> assertThat(l).startsWith("  k1 x small").contains("▼ -CNY"));
    }

    @Test
    void theChartDrawsEveryBudgetThatMeasuresWhatItShows() {
        DigestReport r = overlapping();

        // prod's daily cost budget covers everything the total shows; spend's are per key
        assertThat(ChartImage.applicable(r, r.headline())).extracting(l -> l.owner(), l -> l.budget().metric(),
                l -> l.budget().group()).containsExactly(tuple("prod", Metric.TOKENS, "all"),
                tuple("prod", Metric.COST, "all"));
        GroupReport spend = r.groups().get(1);
        assertThat(ChartImage.applicable(r, spend).stream().map(l -> l.owner()).distinct()).containsExactly("prod");
    }

    @Test
    void slackBlocksAreValidJsonWithAHeaderAndASparkline() throws IOException {
        JsonNode blocks = blocks(DigestRenderer.render(Fixture.dailyReport()).message());

        assertWithinBlockKitLimits(blocks);
        assertThat(blocks.get(0).at("/text/text").asText()).isEqualTo("daily-summary for Thu 26 Nov 2026");
        assertThat(blocks.get(1).get("type").asText()).isEqualTo("context");
        JsonNode section = blocks.get(2);
        // usage grows hour by hour in the fixture, so the sparkline climbs from the lowest to the highest bar
        assertThat(section.at("/text/text").asText()).startsWith("*prod*  `▁").contains("█`");
        assertThat(section.get("fields").findValuesAsText("text")).anySatisfy(f ->
                assertThat(f).startsWith("*Tokens*\n1.3M  ▲ +14%"));
    }

    @Test
    void manyGroupsAreSummedUpInOneLastBlock() throws IOException {
        List<RuleConfig> rules = IntStream.range(0, 60).mapToObj(i -> Fixture.rule("rule-" + i, GroupBy.ALL,
                List.of("k1"), List.of("big"), Fixture.DAILY_TOKENS)).toList();
        DigestConfig d = Fixture.digest(PeriodUnit.DAY, rules.stream().map(RuleConfig::name).toList(), List.of(),
                List.of());
        BotConfig cfg = Fixture.config(Fixture.PRICES, rules, d);
        DigestPlan plan = DigestPlan.of(d, cfg, Fixture.AT);

        JsonNode blocks = blocks(DigestRenderer.render(DigestBuilder.build(plan, cfg, Fixture.snapshot(plan),
                List.of(), List.of())).message());

        assertWithinBlockKitLimits(blocks);
        assertThat(blocks.size()).isEqualTo(50);
        // header, context, the total and 46 rules shown: 14 left
        assertThat(blocks.get(49).at("/elements/0/text").asText()).startsWith("…and 14 more: rule-46 ");
    }

    @Test
    void activeSilencesAreListedInEveryFormatEvenWhenTheGroupsFillTheBlocks() throws IOException {
        List<RuleConfig> rules = IntStream.range(0, 60).mapToObj(i -> Fixture.rule("rule-" + i, GroupBy.ALL,
                List.of("k1"), List.of("big"), Fixture.DAILY_TOKENS)).toList();
        DigestConfig d = Fixture.digest(PeriodUnit.DAY, rules.stream().map(RuleConfig::name).toList(), List.of(),
                List.of());
        BotConfig cfg = Fixture.config(Fixture.PRICES, rules, d);
        DigestPlan plan = DigestPlan.of(d, cfg, Fixture.AT);
        ActiveSilence silence = new ActiveSilence("rule-3", Optional.of("k1"), Fixture.AT.plusSeconds(7200),
                "INC-9 <batch> rerun");

        RenderedDigest r = DigestRenderer.render(DigestBuilder.build(plan, cfg, Fixture.snapshot(plan), List.of(),
                List.of()).withSilences(List.of(silence)));

        assertThat(r.text()).contains("Active silences", "rule-3", "INC-9 <batch> rerun");
        assertThat(r.message().html()).contains("INC-9 &lt;batch&gt; rerun").doesNotContain("<batch>");
        JsonNode blocks = blocks(r.message());
        assertWithinBlockKitLimits(blocks);
        assertThat(blocks.get(blocks.size() - 1).at("/elements/0/text").asText())
                .startsWith(":no_bell: Silenced: rule-3 (k1) until ");
    }

    @Test
    void longNamesStayWithinSlacksTextLimitsAndAreEscaped() throws IOException {
        String longName = "team <ops> & friends " + "x".repeat(5000);
        List<RuleConfig> rules = List.of(Fixture.rule(longName, GroupBy.SERIES, List.of("k1", "k2"),
                List.of("big", "small"), Fixture.DAILY_TOKENS, Fixture.DAILY_COST));
        DigestConfig d = new DigestConfig("d".repeat(300), "0 0 8 * * ?", PeriodUnit.DAY, List.of(longName),
                List.of(), List.of(), List.of(), 5);
        BotConfig cfg = Fixture.config(Fixture.PRICES, rules, d);
        DigestPlan plan = DigestPlan.of(d, cfg, Fixture.AT);

        Message m = DigestRenderer.render(DigestBuilder.build(plan, cfg, Fixture.snapshot(plan), List.of(),
                List.of())).message();

        JsonNode blocks = blocks(m);
        assertWithinBlockKitLimits(blocks);
        assertThat(blocks.get(2).at("/text/text").asText()).startsWith("*team &lt;ops&gt; &amp; friends xxx")
                .endsWith("…");
        assertThat(m.html()).contains("team &lt;ops&gt; &amp; friends");
    }

    @Test
    void anEmptyPeriodSaysNoUsageInsteadOfATableOfZeros() throws IOException {
        DigestPlan plan = Fixture.dailyPlan();
        DigestReport r = DigestBuilder.build(plan, Fixture.config(), Fixture.snapshot(plan.windows(), Map.of()), List.of(),
                List.of());

        RenderedDigest d = DigestRenderer.render(r);

        assertThat(d.message().subject()).isEqualTo("[budgetbot] daily-summary for Thu 26 Nov 2026: no usage");
        assertThat(d.text()).contains("No usage in this period.").doesNotContain("Usage\n");
        assertThat(d.message().html()).contains("No usage in this period.").doesNotContain("<img")
                .doesNotContain("Top consumers");
        assertThat(d.message().images()).isEmpty();
        assertThat(d.chart()).isEmpty();
        JsonNode blocks = blocks(d.message());
        assertWithinBlockKitLimits(blocks);
        assertThat(blocks.get(2).at("/text/text").asText()).contains("No usage in this period.");
        assertThat(blocks.get(2).has("fields")).isFalse();
    }

    @Test
    void writesHtmlTextAndPngFiles(@TempDir Path dir) throws IOException {
        RenderedDigest d = DigestRenderer.render(Fixture.dailyReport());

        List<Path> files = d.writeTo(dir.resolve("out"));

        assertThat(files).extracting(p -> p.getFileName().toString()).containsExactly(
                "daily-summary-2026-11-26.html", "daily-summary-2026-11-26.txt", "daily-summary-2026-11-26.png");
        assertThat(Files.readString(files.get(0))).isEqualTo(d.html());
        assertThat(Files.readString(files.get(1))).isEqualTo(d.text());
        assertThat(ImageIO.read(files.get(2).toFile()).getWidth()).isEqualTo(ChartImage.WIDTH * ChartImage.SCALE);
    }

    /** Leaves a digest with every part (budget line, forecast, alerts, movers) in target/ to look at. */
    @Test
    void writesASampleDigestForPeopleToLookAt() throws IOException {
        DigestPlan plan = Fixture.dailyPlan();
        Window today = Fixture.CALENDAR.periodOf(PeriodUnit.DAY, Fixture.AT);
        Instant at1430 = Fixture.DAY1.atTime(14, 30).atZone(Fixture.ZONE).toInstant();
        Finding forecast = new Finding("prod", Kind.BUDGET, "budget[0]:tokens/day", "all", Metric.TOKENS,
                PeriodUnit.DAY, today, true, new BigDecimal("0.8"), new BigDecimal("1650000"),
                Optional.of(new BigDecimal("2000000")), Optional.empty(), Optional.empty(),
                Optional.of(new Projection(new BigDecimal("2480000"), Optional.of(Fixture.AT.plusSeconds(7200)),
                        "recent rate of the last 3h")), List.of(), List.of("k1", "k2"), List.of("big", "small"));
        List<FiredAlert> fired = new ArrayList<>(List.of(
                new FiredAlert("prod", "all", "BUDGET", "firing", false, "80%", at1430),
                new FiredAlert("prod", "all", "FORECAST", "firing", false, "100%", at1430.minusSeconds(7200))));

        RenderedDigest d = DigestRenderer.render(DigestBuilder.build(plan, Fixture.config(), Fixture.snapshot(plan),
                List.of(forecast), fired));
        List<Path> files = d.writeTo(Path.of("target", "digest-sample"));
        Files.writeString(Path.of("target", "digest-sample", d.baseName() + ".slack.json"),
                JSON.writerWithDefaultPrettyPrinter().writeValueAsString(JSON.readTree(d.message().slackBlocks())));

        assertThat(files).allSatisfy(f -> assertThat(f).isNotEmptyFile());
        assertThat(d.text()).contains("Alerts", "80%", "2,480,000", "1,650,000 (82%)");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "财务周报        | 财务周报-",
            "weekly/finance | weekly-finance-",
            "..hidden       | -.hidden-",
    })
    void fileNamesKeepEveryLetterAndLoseOnlyWhatSeparatesPaths(String name, String prefix) {
        DigestReport r = Fixture.dailyReport();
        DigestReport named = new DigestReport(name, r.period(), r.zone(), r.report(), r.comparison(), r.currency(),
                r.groups(), r.overall(), r.at(), r.late(), r.silences());

        assertThat(DigestRenderer.render(named).baseName()).startsWith(prefix);
    }
}

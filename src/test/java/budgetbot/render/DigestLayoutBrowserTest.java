package budgetbot.render;

import budgetbot.config.BotConfig;
import budgetbot.config.DigestConfig;
import budgetbot.config.GroupBy;
import budgetbot.config.Metric;
import budgetbot.config.RuleConfig;
import budgetbot.digest.DigestBuilder;
import budgetbot.digest.DigestPlan;
import budgetbot.digest.FiredAlert;
import budgetbot.digest.Fixture;
import budgetbot.rules.Finding;
import budgetbot.rules.Kind;
import budgetbot.rules.Projection;
import budgetbot.testing.Chromium;
import budgetbot.time.PeriodUnit;
import budgetbot.time.Window;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The digest HTML as a browser lays it out: nothing wider than a mail pane of 600 pixels or a phone of 375, for a
 * digest with every part and names long enough to push (Debian's chromium and chromium-driver; skipped when they
 * are not installed, failed when also {@code CI=true}). Screenshots are left in target/digest-layout to look at.
 */
class DigestLayoutBrowserTest {
    private static final String OVERFLOW = """
            const width = document.documentElement.clientWidth;
            let widest = {right: 0, what: ''};
            for (const e of document.querySelectorAll('body *')) {
              const r = e.getBoundingClientRect();
              if (r.width > 0 && r.right > widest.right) {
                widest = {right: r.right, what: e.tagName + ': ' + (e.textContent || e.getAttribute('src')).slice(0, 60)};
              }
            }
            const img = document.querySelector('img');
            return {width: width, scrollWidth: document.documentElement.scrollWidth, right: widest.right,
                    what: widest.what, imgWidth: img.getBoundingClientRect().width, imgPixels: img.naturalWidth};
            """;

    private static ChromeDriver browser;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() {
        browser = Chromium.start("--allow-file-access-from-files");
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
    }

    /** Two overlapping rules, one with long names, budgets with forecasts, alerts, movers both ways. */
    private static RenderedDigest digest() {
        String longRule = "team-" + "x".repeat(150);
        List<RuleConfig> rules = List.of(Fixture.prod(),
                Fixture.rule(longRule, GroupBy.SERIES, List.of("k1", "k2"), List.of("big", "small"),
                        Fixture.DAILY_TOKENS, Fixture.DAILY_COST));
        DigestConfig d = Fixture.digest(PeriodUnit.DAY, List.of("prod", longRule), List.of(), List.of());
        BotConfig cfg = Fixture.config(Fixture.PRICES, rules, d);
        DigestPlan plan = DigestPlan.of(d, cfg, Fixture.AT);
        Window today = Fixture.CALENDAR.periodOf(PeriodUnit.DAY, Fixture.AT);
        Instant at1430 = Fixture.DAY1.atTime(14, 30).atZone(Fixture.ZONE).toInstant();
        Finding forecast = new Finding("prod", Kind.BUDGET, "budget[0]:tokens/day", "all", Metric.TOKENS,
                PeriodUnit.DAY, today, true, new BigDecimal("0.8"), new BigDecimal("1650000"),
                Optional.of(new BigDecimal("2000000")), Optional.empty(), Optional.empty(),
                Optional.of(new Projection(new BigDecimal("2480000"), Optional.of(Fixture.AT.plusSeconds(7200)),
                        "recent rate over the last 3h")), List.of(), List.of("k1", "k2"), List.of("big", "small"));
        List<FiredAlert> fired = List.of(new FiredAlert("prod", "all", "BUDGET", "firing", false, "80%", at1430),
                new FiredAlert(longRule, "k1 x big", "FORECAST", "firing", false, "–", at1430));
        return DigestRenderer.render(DigestBuilder.build(plan, cfg, Fixture.snapshot(plan), List.of(forecast), fired));
    }

    @ParameterizedTest(name = "{0} px")
    @CsvSource({"600, false", "375, true"})
    void nothingIsWiderThanThePane(int width, boolean phone) throws IOException {
        Path files = dir.resolve("digest-" + width);
        RenderedDigest d = digest();
        d.writeTo(files);
        browser.executeCdpCommand("Emulation.setDeviceMetricsOverride",
                Map.of("width", width, "height", 3200, "deviceScaleFactor", 1, "mobile", phone));

        browser.get(files.resolve(d.baseName() + ".html").toUri().toString());
        @SuppressWarnings("unchecked")
        Map<String, Object> laid = (Map<String, Object>) browser.executeScript(OVERFLOW);
        Path shots = Files.createDirectories(Path.of("target", "digest-layout"));
        Files.write(shots.resolve(width + "px.png"), browser.getScreenshotAs(OutputType.BYTES));

        // what is left of the width beside a scroll bar, if the browser shows one
        double pane = ((Number) laid.get("width")).doubleValue();
        assertThat(pane).isBetween(width - 20.0, (double) width);
        assertThat(((Number) laid.get("right")).doubleValue()).as("right edge of %s", laid.get("what"))
                .isLessThanOrEqualTo(pane);
        assertThat(((Number) laid.get("scrollWidth")).doubleValue()).as("scrolls sideways").isLessThanOrEqualTo(pane);
        assertThat(((Number) laid.get("imgWidth")).doubleValue()).as("the chart fits").isLessThanOrEqualTo(pane - 16);
        assertThat(((Number) laid.get("imgPixels")).intValue()).as("drawn at twice its size")
                .isEqualTo(ChartImage.WIDTH * ChartImage.SCALE);
    }
}

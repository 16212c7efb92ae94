package budgetbot.render;

import budgetbot.backtest.RuleReport;
import budgetbot.testing.Chromium;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.Rectangle;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The backtest page as a browser shows it from disk: Debian's headless Chromium driven by Selenium. Skipped where
 * Chromium or its driver is missing, unless {@code CI=true}. The screenshot is left in target/backtest.png.
 */
class BacktestHtmlBrowserTest {
    @TempDir
    Path dir;

    ChromeDriver browser;

    @BeforeEach
    void start() {
        browser = Chromium.start();
    }

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void everyChartIsDrawnAndANameWithAScriptRunsNothing() throws Exception {
        RuleReport evil = BacktestHtmlTest.report(BacktestHtmlTest.rule(BacktestHtmlTest.EVIL, true), List.of(),
                Optional.of(BacktestHtmlTest.chart(BacktestHtmlTest.line(BacktestHtmlTest.EVIL, "0", "0", "0", "0"))));
        Path page = dir.resolve("backtest.html");
        Files.writeString(page, BacktestHtml.render(BacktestHtmlTest.backtest(BacktestHtmlTest.prod(), evil),
                BacktestHtmlTest.EVIL));
        browser.manage().window().setSize(new Dimension(1000, 1400));

        browser.get(page.toUri().toString());

        assertThatThrownBy(() -> browser.switchTo().alert()).as("no alert() ran")
                .isInstanceOf(NoAlertPresentException.class);
        assertThat(browser.findElements(By.tagName("script"))).as("no script element in the page").isEmpty();
        List<WebElement> charts = browser.findElements(By.tagName("svg"));
        assertThat(charts).hasSize(2);
        for (WebElement chart : charts) {
            Rectangle box = chart.getRect();
            assertThat(box.getWidth()).as("drawn as wide as the page").isGreaterThan(600);
            assertThat(box.getHeight()).as("and in proportion").isGreaterThan(150);
        }
        assertThat(browser.findElements(By.cssSelector("svg .marker"))).allSatisfy(m -> {
            assertThat(m.getRect().getWidth()).isPositive();
            assertThat(m.getRect().getHeight()).isPositive();
        });
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Backtest of " + BacktestHtmlTest.EVIL);
        Files.write(Path.of("target", "backtest.png"), browser.getScreenshotAs(OutputType.BYTES));
    }
}

package budgetbot.server;

import budgetbot.testing.Chromium;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

/**
 * The status page in a real browser: Debian's headless Chromium driven by Selenium. Skipped where Chromium or
 * its driver is missing, unless {@code CI=true}: CI installs both, and there a missing browser fails.
 */
class StatusPageBrowserTest {
    @TempDir
    Path dir;

    Ops ops;
    ChromeDriver browser;

    @BeforeEach
    void start() throws Exception {
        browser = Chromium.start();
        ops = new Ops(dir);
    }

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (ops != null) {
            ops.close();
        }
    }

    @Test
    void everyRuleAndGroupShowsItsStandingAndAScriptInAKeyIsTextThatRunsNothing() throws Exception {
        ops.cycle();
        ops.app.store().addSilence("prod-daily", Optional.of(Ops.EVIL), Ops.AT.plus(Duration.ofHours(4)),
                "load test <b>tonight</b>", ops.clock.instant());
        browser.manage().window().setSize(new Dimension(390, 844));

        browser.get(ops.url("/"));

        assertThatThrownBy(() -> browser.switchTo().alert()).as("no alert() ran")
                .isInstanceOf(NoAlertPresentException.class);
        assertThat(browser.findElements(By.tagName("script"))).as("no script element in the page").isEmpty();
        WebElement rule = browser.findElement(By.cssSelector("section.rule[data-rule='prod-daily']"));
        assertThat(rule.findElement(By.tagName("h3")).getText()).isEqualTo("prod-daily");
        assertThat(rule.findElement(By.className("fetch")).getText()).startsWith("Usage fetched");
        List<WebElement> budgets = rule.findElements(By.className("budget"));
        assertThat(budgets).extracting(b -> b.getAttribute("data-group")).containsExactlyInAnyOrder(Ops.PROD, Ops.EVIL);
        assertThat(rule.getText()).contains(Ops.EVIL);

        WebElement prod = budgets.stream().filter(b -> Ops.PROD.equals(b.getAttribute("data-group"))).findFirst()
                .orElseThrow();
        double ratio = Double.parseDouble(prod.getAttribute("data-ratio"));
        assertThat(ratio).isCloseTo(Ops.PROD_SHARE, offset(0.001));
        double bar = prod.findElement(By.className("bar")).getRect().getWidth();
        double fill = prod.findElement(By.className("fill")).getRect().getWidth();
        assertThat(fill / bar).as("the bar is filled to the share used").isCloseTo(ratio, offset(0.01));
        assertThat(prod.findElement(By.className("pct")).getText()).isEqualTo("62%");

        assertThat(browser.findElement(By.id("silences")).getText()).contains(Ops.EVIL, "load test <b>tonight</b>");
        assertThat(browser.findElement(By.id("health")).getText()).startsWith("Working");
        Number overflow = (Number) ((JavascriptExecutor) browser).executeScript(
                "return document.documentElement.scrollWidth - window.innerWidth;");
        assertThat(overflow.intValue()).as("nothing wider than a phone's screen").isLessThanOrEqualTo(0);
        Files.write(Path.of("target", "status-page.png"), browser.getScreenshotAs(OutputType.BYTES));
    }

    @Test
    void aRuleWhoseFetchesFailSaysSinceWhen() {
        ops.sim.close();
        ops.cycle();

        browser.get(ops.url("/"));

        WebElement fetch = browser.findElement(By.cssSelector("section.rule[data-rule='prod-daily'] .fetch"));
        assertThat(fetch.getText()).startsWith("Usage cannot be fetched since Fri 20 Nov 15:00")
                .contains("no answer from 127.0.0.1");
    }
}

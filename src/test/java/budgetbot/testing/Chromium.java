package budgetbot.testing;

import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.File;
import java.time.Duration;

import static org.assertj.core.api.Assertions.fail;

/**
 * Debian's headless Chromium driven by Selenium, for the tests that look at a page as a browser draws it. Where
 * Chromium or its driver is missing the test is skipped, unless {@code CI=true}: CI installs both, and there a
 * missing browser fails.
 */
public final class Chromium {
    private static final File CHROMIUM = new File("/usr/bin/chromium");
    private static final File DRIVER = new File("/usr/bin/chromedriver");

    private Chromium() {
    }

    /** A new headless browser (quit it when done); {@code flags} are added to the usual ones. */
    public static ChromeDriver start(String... flags) {
        if (!CHROMIUM.canExecute() || !DRIVER.canExecute()) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail("CI=true but " + CHROMIUM + " or " + DRIVER + " is missing: apt-get install chromium "
                        + "chromium-driver (.ci/run does)");
            }
            Assumptions.abort("no " + CHROMIUM + " and " + DRIVER);
        }
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM)
                .addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                        "--disable-background-networking", "--disable-component-update", "--no-first-run")
                .addArguments(flags);
        ChromeDriver browser = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(DRIVER)
                .build(), options);
        browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        return browser;
    }
}

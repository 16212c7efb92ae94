package budgetbot.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The status page shows each group's last complete hour against its expected value, or why it is not scored. */
class AnomalyStandingTest {
    private static final String ANOMALY = "    anomaly: [{ metric: tokens, minExcess: 1G }]\n";

    @TempDir
    Path dir;

    @Test
    void eachGroupsLastHourStandsAgainstItsExpectedValue() throws Exception {
        try (Ops ops = new Ops(dir, "[" + Ops.PROD + "]", "127.0.0.1", "", ANOMALY)) {
            ops.cycle();

            String page = ops.get("/").body();

            // Ops.AT is 15:00 in Shanghai: the last complete hour is 14:00-15:00
            assertThat(page).containsPattern(Pattern.compile("<p class=\"anomaly\" data-group=\"uminferapikey-prod\">"
                    + "tokens 14:00–15:00 · [^<(]+ \\(uminferapikey-prod\\): [0-9,]+ tokens against [0-9,]+ tokens"
                    + " expected</p>"));
        }
    }

    @Test
    void aQuietDateIsNotScoredAndThePageSaysWhy() throws Exception {
        try (Ops ops = new Ops(dir, "[" + Ops.PROD + "]", "127.0.0.1", "",
                ANOMALY + "    quietDates: [2026-11-20]\n")) {
            ops.cycle();

            assertThat(ops.get("/").body()).containsPattern("uminferapikey-prod\\): [0-9,]+ tokens \\(not scored: a quiet"
                    + " date: 2026-11-20 is left out of anomaly checks\\)</p>");
        }
    }
}

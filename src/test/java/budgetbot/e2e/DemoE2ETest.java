package budgetbot.e2e;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code budgetbot demo}: the whole pipeline without credentials leaves mails and a digest behind, and shows a quota
 * alert and an automatic cap that the simulator's key listing then carries.
 */
class DemoE2ETest {
    @TempDir
    Path dir;

    private static List<String> names(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void leavesEmailsAndDigestFilesInTheFolderItWasGiven() throws IOException {
        Path out = dir.resolve("demo");

        // a fixed moment: just after midnight in China the production key has spent too little to be capped
        Cli.Run run = Cli.run("demo", "--out", out.toString(), "--at", "2026-11-20T15:00").exits(0);

        assertThat(run.out()).contains("evaluating as of 2026-11-20T15:00+08:00 (Asia/Shanghai)")
                .contains("Emails (.eml):    " + out.resolve("mail"),
                "Digest files:     " + out.resolve("digest"));
        assertThat(run.out().lines().filter(l -> l.contains("delivery: ")))
                .as("each delivery line says what it delivered")
                .satisfiesExactly(l -> assertThat(l).startsWith("alert delivery: "),
                        l -> assertThat(l).startsWith("digest delivery: "));
        // the spike of the last three hours is found in the last complete hour, on the key it is on only
        assertThat(run.out().lines().filter(l -> l.startsWith("spikes: "))).singleElement().asString()
                .contains("1 active (hourly token anomaly ", "the usual for uminferapikey-prod)");
        // the batch key, at CNY 96.50 of its UCloud daily limit of 100, gets a quota alert; the production key none
        assertThat(run.out().lines().filter(l -> l.startsWith("key-quota: "))).singleElement().asString()
                .contains("1 active (");
        assertThat(run.out()).containsOnlyOnce("[budgetbot] key-quota (").contains("uminferapikey-batch) has used"
                + " CNY 96.50 of its UCloud daily limit CNY 100.00").doesNotContain("uminferapikey-prod) has used");
        // prod-cap caps the production key automatically, through the simulator's UpdateUMInferAPIKey
        assertThat(run.out().lines().filter(l -> l.startsWith("prod-cap: "))).singleElement().asString()
                .containsPattern("action #1 applied: cap uminferapikey-prod \\(DailyLimitAmount=[0-9.]+\\), was 0");
        assertThat(run.out()).contains("Action #1 done: cap key uminferapikey-prod (DailyLimitAmount=");
        Matcher listed = Pattern.compile("\n  #1  applied  rule prod-cap  cap uminferapikey-prod"
                + " \\(DailyLimitAmount=([0-9.]+)\\) \\(was 0\\)  auto  since ").matcher(run.out());
        assertThat(listed.find()).as("the action list in %s", run.out()).isTrue();
        assertThat(run.out()).contains("uminferapikey-prod DailyLimitAmount=" + listed.group(1) + " ");
        assertThat(names(out.resolve("mail"))).isNotEmpty().allSatisfy(name -> assertThat(name).endsWith(".eml"));
        assertThat(names(out.resolve("digest"))).anySatisfy(n -> assertThat(n).endsWith(".html"))
                .anySatisfy(n -> assertThat(n).endsWith(".txt")).anySatisfy(n -> assertThat(n).endsWith(".png"));
        for (String eml : names(out.resolve("mail"))) {
            assertThat(Files.readString(out.resolve("mail").resolve(eml)))
                    .contains("Subject: ", "To: finance@example.com");
        }
    }
}

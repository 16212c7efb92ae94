package budgetbot.e2e;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code budgetbot demo}: the whole pipeline without credentials leaves mails and a digest behind. */
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

        Cli.Run run = Cli.run("demo", "--out", out.toString()).exits(0);

        assertThat(run.out()).contains("Emails (.eml):    " + out.resolve("mail"),
                "Digest files:     " + out.resolve("digest"));
        assertThat(run.out().lines().filter(l -> l.contains("delivery: ")))
                .as("each delivery line says what it delivered")
                .satisfiesExactly(l -> assertThat(l).startsWith("alert delivery: "),
                        l -> assertThat(l).startsWith("digest delivery: "));
        // the spike of the last three hours is found in the last complete hour, on the key it is on only
        assertThat(run.out().lines().filter(l -> l.startsWith("spikes: "))).singleElement().asString()
                .contains("1 active (hourly token anomaly ", "the usual for uminferapikey-prod)");
        assertThat(names(out.resolve("mail"))).isNotEmpty().allSatisfy(name -> assertThat(name).endsWith(".eml"));
        assertThat(names(out.resolve("digest"))).anySatisfy(n -> assertThat(n).endsWith(".html"))
                .anySatisfy(n -> assertThat(n).endsWith(".txt")).anySatisfy(n -> assertThat(n).endsWith(".png"));
        for (String eml : names(out.resolve("mail"))) {
            assertThat(Files.readString(out.resolve("mail").resolve(eml)))
                    .contains("Subject: ", "To: finance@example.com");
        }
    }
}

package budgetbot.notify.console;

import budgetbot.notify.Image;
import budgetbot.notify.Message;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ConsoleNotifierTest {
    @Test
    void printsSubjectAndTextInAFrame() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        Message m = new Message("alert", "[budgetbot] prod: 80% used", "line one\n\nline three", "line one", "<p/>", "[]",
                List.of(new Image("c", "usage.png", new byte[3000])));

        new ConsoleNotifier("console", out).send(m);

        assertThat(bytes.toString(StandardCharsets.UTF_8).lines().toList()).containsExactly(
                "+-- alert -> console " + "-".repeat(51),
                "| [budgetbot] prod: 80% used",
                "|",
                "| line one",
                "|",
                "| line three",
                "| [image: usage.png, 3 KB]",
                "+" + "-".repeat(71));
    }
}

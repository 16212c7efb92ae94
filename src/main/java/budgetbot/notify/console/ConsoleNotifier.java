package budgetbot.notify.console;

import budgetbot.notify.DeliveryException;
import budgetbot.notify.Image;
import budgetbot.notify.Message;
import budgetbot.notify.Notifier;

import java.io.PrintStream;
import java.util.Objects;

/** Prints messages as a framed block of subject and plain text: how an alert would appear, for dry runs and the demo. */
public final class ConsoleNotifier implements Notifier {
    private static final int WIDTH = 72;

    private final String channel;
    private final PrintStream out;

    public ConsoleNotifier(String channel, PrintStream out) {
        this.channel = Objects.requireNonNull(channel, "channel");
        this.out = Objects.requireNonNull(out, "out");
    }

    @Override
    public void send(Message message) throws DeliveryException {
        // one print call, so that messages sent from parallel jobs do not interleave
        out.print(render(message));
        out.flush();
        if (out.checkError()) {
            throw DeliveryException.retryable("could not write " + message.kind() + " to console channel " + channel, null);
        }
    }

    /** The framed block {@link #send} prints. */
    public String render(Message message) {
        StringBuilder b = new StringBuilder();
        String title = "+-- " + message.kind() + " -> " + channel + " ";
        b.append(title).append("-".repeat(Math.max(3, WIDTH - title.length()))).append('\n');
        line(b, message.subject());
        line(b, "");
        message.text().lines().forEach(l -> line(b, l));
        for (Image image : message.images()) {
            line(b, "[image: " + image.filename() + ", " + kilobytes(image.png().length) + "]");
        }
        b.append('+').append("-".repeat(WIDTH - 1)).append('\n');
        return b.toString();
    }

    private static void line(StringBuilder b, String text) {
        b.append(text.isEmpty() ? "|" : "| " + text).append('\n');
    }

    private static String kilobytes(int bytes) {
        return bytes < 1024 ? bytes + " B" : (bytes + 512) / 1024 + " KB";
    }

    @Override
    public String toString() {
        return "ConsoleNotifier[" + channel + "]";
    }
}

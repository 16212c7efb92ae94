package budgetbot.notify;

import java.net.URI;
import java.util.Optional;
import java.util.function.Function;

/**
 * A {@link Brief} as the markdown DingTalk and WeCom robots render: the headline as a heading, each part's numbers
 * as bold labels, the detail as a list, the footer small, and a link to the status page.
 */
public final class ChatMarkdown {
    private ChatMarkdown() {
    }

    /**
     * @param heading    the headline in the platform's colour markup for its tone ({@code <font color="warning">...})
     * @param statusPage linked at the end, when known
     * @param note       the last line (what was left out to fit), or empty
     */
    public static String render(Brief b, Function<Brief, String> heading, Optional<URI> statusPage, String note) {
        StringBuilder md = new StringBuilder("### ").append(heading.apply(b)).append("\n");
        for (Brief.Part p : b.parts()) {
            md.append('\n');
            if (!p.title().isEmpty()) {
                md.append("**").append(p.title()).append("**\n\n");
            }
            p.fields().forEach(f -> md.append("**").append(f.label()).append("**: ").append(f.value()).append("\n\n"));
            p.lines().forEach(l -> md.append("- ").append(l).append('\n'));
        }
        if (!b.footer().isEmpty()) {
            md.append("\n> ").append(b.footer()).append('\n');
        }
        statusPage.ifPresent(u -> md.append("\n[Status page](").append(u).append(")\n"));
        if (!note.isEmpty()) {
            md.append('\n').append(note).append('\n');
        }
        return md.toString();
    }
}

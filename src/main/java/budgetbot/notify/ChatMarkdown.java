package budgetbot.notify;

import java.net.URI;
import java.util.Map;
import java.util.Optional;

/**
 * A {@link Brief} as the markdown DingTalk and WeCom robots render: the headline as a heading, each part's numbers
 * as bold labels, the detail as a list, the footer quoted, and a link to the status page.
 */
public final class ChatMarkdown {
    private ChatMarkdown() {
    }

    /**
     * @param colours    the platform's colour of a headline for each tone, as {@code <font color="...">} takes it
     * @param statusPage linked at the end, when known
     * @param note       the last line (what was left out to fit), or empty
     */
    public static String render(Brief b, Map<Brief.Tone, String> colours, Optional<URI> statusPage,
                                String note) {
        StringBuilder md = new StringBuilder("### <font color=\"").append(colours.get(b.tone())).append("\">")
                .append(b.headline()).append("</font>\n");
        for (Brief.Part p : b.parts()) {
            md.append('\n');
            if (!p.title().isEmpty()) {
                md.append("**").append(p.title()).append("**\n\n");
            }
            p.fields().forEach(f -> md.append("**").append(f.label()).append("**: ").append(f.value()).append("\n\n"));
            // a line that ends in a colon heads the lines after it ("Top contributors:")
            p.lines().forEach(l -> md.append(l.endsWith(":") ? "\n**" + l + "**\n" : "- " + l).append('\n'));
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

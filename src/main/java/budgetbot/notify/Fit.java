package budgetbot.notify;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * Fits a {@link Brief} into a platform's size limit in bytes of UTF-8 (a Chinese character is three): whole when it
 * fits, otherwise without detail first (the contributors and top-consumer lines, last part first), then without
 * whole parts from the end, always keeping the headline and the first part's numbers, and saying what was left out
 * and where to see all of it.
 */
public final class Fit {
    /** Longest headline and footer kept when even one part does not fit. */
    private static final int LAST_RESORT_CHARS = 300;

    private Fit() {
    }

    /**
     * The rendering of {@code brief} within {@code maxBytes}.
     *
     * @param render     the platform's body of a brief and a note to end it with (empty when nothing was left out)
     * @param statusPage where the whole message can be seen, if anywhere
     */
    public static String fit(Brief brief, int maxBytes, BiFunction<Brief, String, String> render,
                             Optional<URI> statusPage) {
        String whole = render.apply(brief, "");
        if (bytes(whole) <= maxBytes) {
            return whole;
        }
        List<Brief.Part> parts = new ArrayList<>(brief.parts());
        for (int i = parts.size() - 1; i >= 0; i--) {
            Brief.Part p = parts.get(i);
            parts.set(i, new Brief.Part(p.title(), p.fields(), List.of()));
            String shorter = render.apply(with(brief, parts, brief.headline(), brief.footer()), note(0, statusPage));
            if (bytes(shorter) <= maxBytes) {
                return shorter;
            }
        }
        for (int kept = parts.size() - 1; kept >= 1; kept--) {
            String shorter = render.apply(with(brief, parts.subList(0, kept), brief.headline(), brief.footer()),
                    note(parts.size() - kept, statusPage));
            if (bytes(shorter) <= maxBytes) {
                return shorter;
            }
        }
        return render.apply(with(brief, List.of(), cut(brief.headline()), cut(brief.footer())),
                note(parts.size(), statusPage));
    }

    public static int bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    /**
     * {@code s} cut to at most {@code maxBytes} of UTF-8 at a character boundary (never inside a surrogate pair),
     * ending with "…" when cut.
     */
    public static String cutBytes(String s, int maxBytes) {
        if (bytes(s) <= maxBytes) {
            return s;
        }
        int budget = maxBytes - bytes("…");
        int used = 0;
        int end = 0;
        while (end < s.length()) {
            int cp = s.codePointAt(end);
            int size = bytes(new String(Character.toChars(cp)));
            if (used + size > budget) {
                break;
            }
            used += size;
            end += Character.charCount(cp);
        }
        return s.substring(0, end) + "…";
    }

    private static Brief with(Brief b, List<Brief.Part> parts, String headline, String footer) {
        return new Brief(b.tone(), headline, parts, footer, b.alerts());
    }

    private static String cut(String s) {
        return s.length() <= LAST_RESORT_CHARS ? s : s.substring(0, s.offsetByCodePoints(0, LAST_RESORT_CHARS)) + "…";
    }

    private static String note(int partsLeftOut, Optional<URI> statusPage) {
        return "… shortened to fit" + (partsLeftOut == 0 ? "" : ", " + partsLeftOut + " more not shown") + "; "
                + statusPage.map(u -> "all of it: " + u).orElse("all of it in budgetbot's email and Slack messages,"
                + " or `budgetbot digest` / `budgetbot check` on the host");
    }
}

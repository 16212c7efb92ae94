package budgetbot.render;

/** Escaping for Slack's mrkdwn, where {@code &}, {@code <} and {@code >} are control characters. */
public final class Mrkdwn {
    private Mrkdwn() {
    }

    /** {@code s} with {@code &}, {@code <} and {@code >} replaced by their HTML entities, as Slack requires. */
    public static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}

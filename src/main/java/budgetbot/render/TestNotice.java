package budgetbot.render;

import budgetbot.notify.Brief;
import budgetbot.notify.Message;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;

/** The message {@code notify-test} sends: clearly a test, saying which channel it tried and when. */
public final class TestNotice {

    private TestNotice() {
    }

    public static Message of(String channel, Instant at, ZoneId zone, Words w) {
        String title = w.get("test.title", channel);
        String when = at.atZone(zone).toOffsetDateTime().withNano(0).toString();
        String body = w.get("test.body", when, channel);
        String html = "<div style=\"font-family:Arial,Helvetica,sans-serif;font-size:14px;color:#1d1c1d\"><h2 "
                + "style=\"margin:0 0 12px;font-size:18px\">" + Html.escape(title)
                + "</h2><p>" + Html.escape(body) + "</p></div>";
        String blocks = BlockKit.builder().header(":test_tube: " + title)
                .section(Mrkdwn.escape(body)).toJson();
        String text = title + "\n\n" + body + "\n";
        Brief.Alert alert = BriefAlerts.notice("notify-test", "test", channel, false, at, at, title, body);
        Brief brief = new Brief(Brief.Tone.INFO, title, List.of(new Brief.Part("", List.of(), List.of(body))), "",
                List.of(alert));
        return new Message(Message.TEST, Amounts.SUBJECT_PREFIX + title, text, Mrkdwn.fallback(text), html, blocks,
                List.of(), brief);
    }
}

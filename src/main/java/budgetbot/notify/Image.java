package budgetbot.notify;

import java.util.Objects;

/** A PNG carried with a message: inline in email ({@code cid:contentId}), uploaded to Slack with a bot token. */
public record Image(String contentId, String filename, byte[] png) {
    public Image {
        Objects.requireNonNull(contentId, "contentId");
        Objects.requireNonNull(filename, "filename");
        Objects.requireNonNull(png, "png");
    }
}

package budgetbot.state;

import java.util.Objects;

/**
 * One act of a person on an alert, as a chat platform reported it (a click of a Slack button): acted on once.
 *
 * @param id       unique per act, the same when the platform reports it again (a retry, a second instance)
 * @param channel  the channel (of rules.yml) whose message it was
 * @param userId   the person's id on the platform ({@code U0123ABCD})
 * @param userName the person's name there, as it was at the time
 */
public record Act(String id, String channel, String userId, String userName) {
    public Act {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(userName, "userName");
    }
}

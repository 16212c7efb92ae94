package budgetbot.interact;

import budgetbot.render.SlackButtons;
import budgetbot.state.Act;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.Optional;

/**
 * A click on one of budgetbot's buttons, read from Slack's {@code block_actions} payload.
 *
 * @param act         who clicked where; its id is the click's ({@code action_ts} is unique per click of a user in a
 *                    workspace), the same in every copy Slack sends of it
 * @param responseUrl where the answer goes
 * @param blocks      the clicked message's blocks, as Slack has them now
 * @param text        the clicked message's fallback text
 */
record Click(Act act, SlackButtons.Action action, SlackButtons.Target target, String responseUrl, JsonNode blocks,
             String text) {
    private static final String USER_ID = "[UW][A-Z0-9]{2,30}";

    /** The click a payload reports; empty when it is not a click on budgetbot's buttons. */
    static Optional<Click> read(Optional<JsonNode> payload) {
        if (payload.isEmpty() || !"block_actions".equals(payload.get().path("type").asText())) {
            return Optional.empty();
        }
        JsonNode p = payload.get();
        JsonNode a = p.path("actions").path(0);
        Optional<SlackButtons.Action> action = SlackButtons.Action.of(a.path("action_id").asText());
        Optional<String> channel = SlackButtons.channel(a.path("block_id").asText(null));
        Optional<SlackButtons.Target> target = SlackButtons.target(a.path("value").asText());
        String userId = p.path("user").path("id").asText();
        String team = p.path("team").path("id").asText(p.path("user").path("team_id").asText());
        String clicked = a.path("action_ts").asText();
        String responseUrl = p.path("response_url").asText();
        if (action.isEmpty() || channel.isEmpty() || target.isEmpty() || !userId.matches(USER_ID)
                || clicked.isEmpty() || responseUrl.isEmpty()
                || action.get().decides() != target.get().action().isPresent()) {
            return Optional.empty();
        }
        String name = p.path("user").path("username").asText(p.path("user").path("name").asText(userId));
        Act act = new Act("slack:" + team + ":" + userId + ":" + clicked, channel.get(), userId,
                name.isBlank() ? userId : name);
        return Optional.of(new Click(act, action.get(), target.get(), responseUrl, p.path("message").path("blocks"),
                p.path("message").path("text").asText("")));
    }
}

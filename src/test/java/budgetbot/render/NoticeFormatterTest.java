package budgetbot.render;

import budgetbot.notify.Message;
import budgetbot.state.Notice;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;

import static org.assertj.core.api.Assertions.assertThat;

/** What a notice says in every form a channel shows. */
class NoticeFormatterTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
    /** Fri 27 Nov 2026 09:05 in Shanghai. */
    private static final Instant SINCE = Instant.parse("2026-11-27T01:05:00Z");
    private static final String ERROR = "UCloud answered (RetCode 150: Service <unavailable> & down); request id"
            + " 5f1c-22 (GetUMInferTokenUsage for k x m, 1 attempt)";

    @Test
    void unavailableNamesTheCauseAndSinceWhen() throws Exception {
        Message m = NoticeFormatter.format(new Notice(Notice.Kind.UNAVAILABLE, "prod", ERROR, SINCE,
                SINCE.plus(Duration.ofMinutes(95)), SHANGHAI));

        assertThat(m.kind()).isEqualTo("notice");
        assertThat(m.subject()).isEqualTo("[budgetbot] prod: usage data unavailable since Fri 27 Nov 2026 09:05");
        assertThat(m.text()).contains("Cause: " + ERROR, "Unavailable since: Fri 27 Nov 2026 09:05 (1 h 35 min)",
                "a message follows when it can be fetched again", "Times in Asia/Shanghai", "Rule prod");
        assertThat(m.html()).contains("Service &lt;unavailable&gt; &amp; down").doesNotContain("<unavailable>");
        JsonNode blocks = JSON.readTree(m.slackBlocks());
        assertThat(blocks.get(0).get("text").get("text").asText()).startsWith(":rotating_light: prod: usage data");
        assertThat(blocks.get(1).toString()).contains("Service &lt;unavailable&gt; &amp; down");
    }

    @Test
    void recoveredSaysHowLongItWasAndTheLastError() {
        Message m = NoticeFormatter.format(new Notice(Notice.Kind.RECOVERED, "prod", ERROR, SINCE,
                SINCE.plus(Duration.ofDays(2).plusHours(3)), SHANGHAI));

        assertThat(m.subject()).isEqualTo("[budgetbot] RECOVERED prod: usage data available again");
        assertThat(m.text()).contains("Unavailable: from Fri 27 Nov 2026 09:05 to Sun 29 Nov 2026 12:05 (2 d 3 h)",
                "Last error: " + ERROR);
        assertThat(m.slackBlocks()).contains(":white_check_mark:");
    }

    @Test
    void misconfiguredSaysWhatIsWrongAndThatTheRuleGoesOn() {
        String problem = "unknown key \"k-prdo\"; did you mean `k-prod`?; the project's keys: k-prod";
        Message m = NoticeFormatter.format(new Notice(Notice.Kind.MISCONFIGURED, "prod", problem, SINCE, SINCE,
                SHANGHAI));

        assertThat(m.subject()).isEqualTo("[budgetbot] prod is misconfigured: " + problem);
        assertThat(m.text()).contains("Problem: " + problem, "the rule keeps checking its other keys and models",
                "budgetbot validate --online");
        assertThat(m.slackBlocks()).contains(":warning:");
    }
}

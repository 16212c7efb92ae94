package budgetbot.render;

import budgetbot.notify.Brief;
import budgetbot.notify.Message;
import budgetbot.state.AlertStatus;
import budgetbot.state.Notice;
import budgetbot.testing.ChatMessages;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The structure render puts in a message for the chat, webhook and incident transports: the same words as its text,
 * and alerts whose fingerprint follows one condition through its period, into the next period when it resolves.
 */
class BriefTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void anAlertsBriefSaysWhatItsTextSays() {
        Message m = ChatMessages.growth(AlertStatus.FIRING);
        Brief b = m.brief();

        assertThat(b.tone()).isEqualTo(Brief.Tone.WARNING);
        assertThat(m.text()).startsWith(b.headline() + "\n").endsWith(b.footer() + "\n");
        assertThat(b.parts()).singleElement().satisfies(p -> {
            assertThat(p.fields()).allSatisfy(f -> assertThat(m.text()).contains(f.label() + ": " + f.value()));
            assertThat(p.lines()).containsExactly("Top contributors:", ChatMessages.KEY + " × deepseek-v3: 3,000,000"
                    + " tokens (88%)");
        });
        assertThat(b.alerts()).singleElement().satisfies(a -> {
            assertThat(a.status()).isEqualTo("firing");
            assertThat(a.labels()).containsExactly(Map.entry("alertname", ChatMessages.RULE),
                    Map.entry("group", "all"), Map.entry("key", ChatMessages.KEY),
                    Map.entry("model", "deepseek-v3"),
                    Map.entry("condition", "growth[0]:tokens/day"),
                    Map.entry("severity", "warning"));
            assertThat(a.annotation("summary")).isEqualTo(b.headline());
            assertThat(a.startsAt()).isEqualTo(ChatMessages.FIRED.toString());
            assertThat(a.endsAt()).isNull();
        });
    }

    @Test
    void aResolutionInTheNextPeriodKeepsTheFiringsFingerprint() {
        Brief.Alert fired = ChatMessages.growth(AlertStatus.FIRING).brief().alerts().get(0);
        Brief.Alert resolved = ChatMessages.growth(AlertStatus.RESOLVED).brief().alerts().get(0);

        assertThat(resolved.status()).isEqualTo("resolved");
        assertThat(resolved.endsAt()).isEqualTo(ChatMessages.RESOLVED.toString());
        assertThat(resolved.fingerprint()).isEqualTo(fired.fingerprint()).matches("[0-9a-f]{32}");
        assertThat(ChatMessages.growth(AlertStatus.RESOLVED).brief().tone()).isEqualTo(Brief.Tone.RESOLVED);
    }

    @Test
    void fingerprintsDifferByEveryPartEvenWhenTheirConcatenationsAgree() {
        assertThat(BriefAlerts.fingerprint(List.of("ab", "c"))).isNotEqualTo(BriefAlerts.fingerprint(List.of("a",
                "bc")));
    }

    @Test
    void anOutageAndItsRecoveryAreOneInfoAlert() {
        Instant since = Instant.parse("2026-11-27T01:00:00Z");
        Notice down = new Notice(Notice.Kind.UNAVAILABLE, "prod", "timeout", since, since.plus(Duration.ofHours(1)),
                ChatMessages.SHANGHAI);
        Notice up = new Notice(Notice.Kind.RECOVERED, "prod", "timeout", since, since.plus(Duration.ofHours(3)),
                ChatMessages.SHANGHAI);

        Brief.Alert opened = NoticeFormatter.format(down).brief().alerts().get(0);
        Brief.Alert closed = NoticeFormatter.format(up).brief().alerts().get(0);

        assertThat(opened.label("severity")).isEqualTo("info");
        assertThat(opened.status()).isEqualTo("firing");
        assertThat(closed.status()).isEqualTo("resolved");
        assertThat(closed.fingerprint()).isEqualTo(opened.fingerprint());
    }

    @Test
    void aDigestsBriefHasItsNumbersAsFieldsAndItsListsAsDetail() {
        Brief b = ChatMessages.digest(2).brief();

        assertThat(b.tone()).isEqualTo(Brief.Tone.INFO);
        assertThat(b.headline()).startsWith("财务每日汇总 for Thu 26 Nov 2026: 1,320,000 tokens");
        assertThat(b.parts().get(0).fields()).extracting(Brief.Field::label).contains("tokens", "cost");
        assertThat(b.parts().get(0).lines()).contains("Top consumers by cost:");
        assertThat(b.parts().get(1).fields()).extracting(Brief.Field::label).contains("Budget tokens per day, k1");
        assertThat(b.alerts()).singleElement().satisfies(a -> assertThat(a.labels())
                .containsEntry("alertname", "财务每日汇总").containsEntry("severity", "info"));
    }

    @Test
    void theOutboxKeepsTheBriefAndAnOldRowWithoutOneIsSentAsItsText() throws Exception {
        Message m = ChatMessages.growth(AlertStatus.FIRING);

        assertThat(JSON.readValue(JSON.writeValueAsString(m), Message.class)).isEqualTo(m);

        Message old = JSON.readValue("{\"kind\":\"alert\",\"subject\":\"[budgetbot] s\",\"text\":\"Headline\\n\\n"
                + "Used: 1\\n\",\"html\":\"\",\"slackBlocks\":\"[]\",\"images\":[]}", Message.class);
        assertThat(old.brief()).isNull();
        assertThat(old.briefOrText().headline()).isEqualTo("Headline");
        assertThat(old.briefOrText().parts().get(0).lines()).containsExactly("Used: 1");
    }
}

package budgetbot.notify;

import budgetbot.config.ChannelConfig;
import budgetbot.config.Secret;
import budgetbot.delivery.Dispatcher;
import budgetbot.delivery.Outbox;
import budgetbot.notify.dingtalk.DingTalkNotifier;
import budgetbot.state.AlertStatus;
import budgetbot.state.StateStore;
import budgetbot.testing.ChatMessages;
import budgetbot.testing.FakePlatform;
import budgetbot.testing.MutableClock;
import budgetbot.testing.TestDb;
import budgetbot.time.Jitter;
import budgetbot.time.Sleeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The DingTalk robot's 20 messages a minute, kept by the real sender: a burst of 50 alerts through the outbox and
 * dispatcher to the real transport and a local DingTalk that refuses the 21st message of a minute (130101, as
 * DingTalk does before blocking the robot) is spread over minutes, and no message is refused.
 */
class ChatRateLimitTest {
    private static final Instant T0 = ChatMessages.FIRED;

    @TempDir
    Path tmp;

    @Test
    void aBurstOfFiftyAlertsToOneDingTalkRobotIsSpreadOverMinutesAndNeverRefused() throws Exception {
        MutableClock clock = new MutableClock(T0);
        String secret = "SECburst0secret";
        try (FakePlatform dingtalk = FakePlatform.start(FakePlatform.Kind.DINGTALK, Optional.of(secret), clock);
             Notifier robot = DingTalkNotifier.create(new ChannelConfig.DingTalk("ding", new Secret(dingtalk.url()),
                     Optional.of(new Secret(secret)), List.of(), false), Optional.empty(), clock, JsonPost.TIMEOUT);
             TestDb db = TestDb.create(TestDb.Kind.H2, tmp); StateStore store = StateStore.open(db.config())) {
            Outbox outbox = new Outbox(store);
            for (int i = 0; i < 50; i++) {
                outbox.enqueue("burst-" + i, "ding", ChatMessages.growth(AlertStatus.FIRING), T0);
            }
            Dispatcher sender = new Dispatcher(outbox, Map.of("ding", robot), clock, Sleeper.REAL, Jitter.NONE);

            for (int drains = 0; drains < 40 && !outbox.pending().isEmpty(); drains++) {
                sender.drain();
                clock.advance(Duration.ofSeconds(15));
            }

            assertThat(outbox.pending()).isEmpty();
            assertThat(dingtalk.delivered()).hasSize(50);
            assertThat(dingtalk.received()).as("none refused").hasSize(50);
            assertThat(clock.instant()).as("spread over minutes").isAfter(T0.plus(Duration.ofMinutes(2)));
        }
    }
}

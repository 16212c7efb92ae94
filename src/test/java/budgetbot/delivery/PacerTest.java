package budgetbot.delivery;

import budgetbot.notify.RateLimit;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class PacerTest {
    private static final Instant T0 = Instant.parse("2026-12-01T09:00:00Z");

    private static Instant at(long seconds) {
        return T0.plusSeconds(seconds);
    }

    @Test
    void aChannelAtItsLimitWaitsUntilItsOldestSendLeavesTheWindow() {
        Pacer pacer = new Pacer(Map.of("ding", List.of(RateLimit.perMinute(20))));
        IntStream.range(0, 19).forEach(i -> pacer.record("ding", at(i)));
        assertThat(pacer.nextSlot("ding", at(19))).as("one more fits").isEqualTo(at(19));

        pacer.record("ding", at(19));

        assertThat(pacer.nextSlot("ding", at(20))).isEqualTo(at(60));
        assertThat(pacer.nextSlot("ding", at(60))).as("the send at 0s has left the window").isEqualTo(at(60));
        pacer.record("ding", at(60));
        assertThat(pacer.nextSlot("ding", at(60))).as("now the one at 1s must leave").isEqualTo(at(61));
    }

    @Test
    void everyLimitOfAChannelIsKept() {
        Pacer pacer = new Pacer(Map.of("lark", List.of(RateLimit.perSecond(5), RateLimit.perMinute(100))));
        IntStream.range(0, 5).forEach(i -> pacer.record("lark", at(0)));
        assertThat(pacer.nextSlot("lark", at(0))).as("5 a second").isEqualTo(at(1));

        IntStream.range(1, 20).forEach(s -> IntStream.range(0, 5).forEach(i -> pacer.record("lark", at(s))));
        assertThat(pacer.nextSlot("lark", at(20))).as("100 a minute: the first five leave at 60s").isEqualTo(at(60));
    }

    @Test
    void aChannelWithoutLimitsAndAnUnknownChannelNeverWait() {
        Pacer pacer = new Pacer(Map.of("mail", List.of(), "ding", List.of(RateLimit.perMinute(1))));
        IntStream.range(0, 100).forEach(i -> pacer.record("mail", at(0)));

        assertThat(pacer.nextSlot("mail", at(0))).isEqualTo(at(0));
        assertThat(pacer.nextSlot("gone", at(0))).isEqualTo(at(0));
        assertThat(pacer.window()).isEqualTo(Duration.ofMinutes(1));
        assertThat(new Pacer(Map.of("mail", List.of())).window()).isZero();
    }

    @Test
    void aResetStartsFromTheSendsItIsGivenAlone() {
        Pacer pacer = new Pacer(Map.of("ding", List.of(RateLimit.perMinute(2))));
        pacer.record("ding", at(0));
        pacer.record("ding", at(1));

        pacer.reset(Map.of("ding", List.of(at(30))));

        assertThat(pacer.nextSlot("ding", at(31))).as("one send in the window, so one more fits").isEqualTo(at(31));
        pacer.record("ding", at(31));
        assertThat(pacer.nextSlot("ding", at(32))).isEqualTo(at(90));
    }
}

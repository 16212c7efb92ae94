package budgetbot.time;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The one retry policy: exponential with full jitter, capped, honouring Retry-After up to a bound. */
class BackoffTest {
    @ParameterizedTest(name = "deliveries: attempt {0}, Retry-After {1}s -> at most {2}s")
    @CsvSource({
            "1,   , 30",
            "2,   , 60",
            "3,   , 120",
            "5,   , 480",
            "6,   , 900",
            "60,  , 900",
            "1, 10, 30",
            "2, 90, 90",
            "6, 1200, 1200",
            "6, 7200, 3600",
    })
    void deliveriesDoubleFrom30sUpTo15MinUnlessTheServerAsksForMoreUpToAnHour(int attempt, Long retryAfterSeconds,
                                                                               long ceiling) {
        Optional<Duration> retryAfter = Optional.ofNullable(retryAfterSeconds).map(Duration::ofSeconds);
        assertThat(Backoff.DELIVERY.delay(attempt, retryAfter, Jitter.NONE)).isEqualTo(Duration.ofSeconds(ceiling));
        assertThat(Backoff.DELIVERY.delay(attempt, retryAfter, () -> 0.0)).as("with no jitter left: the server's ask")
                .isEqualTo(retryAfter.map(r -> r.compareTo(Duration.ofHours(1)) > 0 ? Duration.ofHours(1) : r)
                        .orElse(Duration.ZERO));
    }

    @ParameterizedTest(name = "UCloud: attempt {0} -> at most {1} ms")
    @CsvSource({"1, 200", "2, 400", "3, 800", "6, 6400", "7, 10000", "40, 10000"})
    void uCloudRetriesStayWithinTheirCeiling(int attempt, long ceilingMillis) {
        Random random = new Random(attempt);
        Set<Duration> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            Duration d = Backoff.UCLOUD.delay(attempt, Optional.empty(), random::nextDouble);
            assertThat(d.toMillis()).isBetween(0L, ceilingMillis);
            seen.add(d);
        }
        assertThat(seen).as("full jitter: waits spread from 0 to the ceiling").hasSizeGreaterThan(50);
        assertThat(Backoff.UCLOUD.ceiling(attempt)).isEqualTo(Duration.ofMillis(ceilingMillis));
    }

    @ParameterizedTest(name = "UCloud: Retry-After {0}s -> {1}s")
    @CsvSource({"0, 0", "1, 1", "10, 10", "3600, 10"})
    void uCloudsRetryAfterIsWaitedUpToTenSeconds(long retryAfter, long seconds) {
        assertThat(Backoff.UCLOUD.delay(1, Optional.of(Duration.ofSeconds(retryAfter)), () -> 0.0))
                .isEqualTo(Duration.ofSeconds(seconds));
    }

    @Test
    void digestsDoubleFromAMinuteUpToFifteenAndNeverTakeARetryAfter() {
        assertThat(Backoff.DIGEST.delay(5, Optional.empty(), Jitter.NONE)).isEqualTo(Duration.ofMinutes(15));
        assertThat(Backoff.DIGEST.delay(1, Optional.of(Duration.ofHours(1)), () -> 0.0)).isEqualTo(Duration.ZERO);
    }

    @Test
    void refusesWhatCannotBeAPolicyOrAShare() {
        assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("need 0 < base <= cap and maxRetryAfter >= 0: base PT2S, cap PT1S, maxRetryAfter PT0S");
        assertThatThrownBy(() -> Backoff.DIGEST.ceiling(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Backoff.DIGEST.delay(1, Optional.empty(), () -> 1.5))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Backoff.DIGEST.delay(1, Optional.empty(), () -> Double.NaN))
                .isInstanceOf(IllegalArgumentException.class);
    }
}

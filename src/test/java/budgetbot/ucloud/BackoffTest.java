package budgetbot.ucloud;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.Optional;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class BackoffTest {
    @ParameterizedTest(name = "attempt {0}: {1}..{2} ms")
    @CsvSource({
            "1,  100,  200",
            "2,  200,  400",
            "3,  400,  800",
            "6,  3200, 6400",
            "7,  5000, 10000",
            "40, 5000, 10000",
    })
    void growsExponentiallyWithJitterUpToTheCap(int attempt, long min, long max) {
        Random random = new Random(attempt);
        for (int i = 0; i < 50; i++) {
            assertThat(Backoff.DEFAULT.delay(attempt, Optional.empty(), random).toMillis()).isBetween(min, max);
        }
    }

    @ParameterizedTest(name = "Retry-After {0}s -> {1}s")
    @CsvSource({"0, 0", "1, 1", "10, 10", "3600, 10"})
    void retryAfterWinsUpToTheCap(long retryAfter, long seconds) {
        assertThat(Backoff.DEFAULT.delay(1, Optional.of(Duration.ofSeconds(retryAfter)), new Random(1)))
                .isEqualTo(Duration.ofSeconds(seconds));
    }
}

package budgetbot.ucloud;

import budgetbot.ucloud.AdaptiveLimit.Outcome;
import budgetbot.ucloud.AdaptiveLimit.Permit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class AdaptiveLimitTest {
    /**
     * Scripts: {@code +} takes a permit; {@code s}, {@code o}, {@code i} release the oldest one as a success, as
     * overloaded (RetCode 153 / HTTP 429) or as another failure. Spaces are for reading only.
     */
    static Stream<Arguments> scripts() {
        return Stream.of(
                Arguments.of("starts at max", 16, "", 16),
                Arguments.of("a rate limit halves it", 16, "+o", 8),
                Arguments.of("an odd limit halves rounding down", 5, "+o", 2),
                Arguments.of("requests in flight together cut it once", 16, "++++ oooo", 8),
                Arguments.of("a request sent after a cut cuts again", 16, "+o +o +o", 2),
                Arguments.of("never below 1", 2, "+o +o +o +o", 1),
                Arguments.of("not yet grown after limit - 1 successes", 16, "+o" + "+s".repeat(7), 8),
                Arguments.of("grows by one after limit successes", 16, "+o" + "+s".repeat(8), 9),
                Arguments.of("the next step takes limit successes again", 16, "+o" + "+s".repeat(8 + 8), 9),
                Arguments.of("recovers to max after 8 + 9 + ... + 15 successes", 16, "+o" + "+s".repeat(92), 16),
                Arguments.of("never above max", 4, "+s".repeat(100), 4),
                Arguments.of("other failures change nothing", 16, "+o +i +i ++ ii", 8),
                Arguments.of("other failures do not reset the count of successes", 4, "+o +s +i +s", 3),
                Arguments.of("a cut forgets the successes before it", 8, "+o +s+s+s +o +s", 2),
                Arguments.of("successes of permits taken before a cut count", 4, "+++ o ss", 3),
                Arguments.of("a late 153 from before a cut does not cut again", 16, "++ o + os", 8));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scripts")
    void adaptsTheLimitToOutcomes(String name, int max, String script, int expectedLimit) throws Exception {
        AdaptiveLimit limit = new AdaptiveLimit(max);
        Deque<Permit> out = new ArrayDeque<>();

        for (char step : script.replace(" ", "").toCharArray()) {
            switch (step) {
                case '+' -> out.addLast(limit.acquire());
                case 's' -> limit.release(out.removeFirst(), Outcome.SUCCESS);
                case 'o' -> limit.release(out.removeFirst(), Outcome.OVERLOADED);
                case 'i' -> limit.release(out.removeFirst(), Outcome.IGNORED);
                default -> throw new IllegalArgumentException("bad step " + step);
            }
        }

        assertThat(limit.limit()).isEqualTo(expectedLimit);
        assertThat(limit.inFlight()).isEqualTo(out.size());
    }

    @Test
    void aFullLimitMakesTheNextRequestWaitForAFreedPermit() throws Exception {
        AdaptiveLimit limit = new AdaptiveLimit(2);
        Permit first = limit.acquire();
        limit.acquire();

        CompletableFuture<Permit> third = CompletableFuture.supplyAsync(() -> acquire(limit));
        await().atMost(Duration.ofSeconds(10)).until(() -> limit.waiting() == 1);
        assertThat(third).isNotDone();
        assertThat(limit.inFlight()).isEqualTo(2);

        limit.release(first, Outcome.SUCCESS);

        assertThat(third.get()).isNotNull();
        assertThat(limit.inFlight()).isEqualTo(2);
        assertThat(limit.waiting()).isZero();
    }

    @Test
    void aCutBelowWhatIsInFlightLetsNobodyInUntilEnoughReturn() throws Exception {
        AdaptiveLimit limit = new AdaptiveLimit(4);
        Deque<Permit> out = new ArrayDeque<>();
        for (int i = 0; i < 4; i++) {
            out.add(limit.acquire());
        }
        limit.release(out.removeFirst(), Outcome.OVERLOADED);
        assertThat(limit.limit()).isEqualTo(2);
        assertThat(limit.inFlight()).isEqualTo(3);

        CompletableFuture<Permit> next = CompletableFuture.supplyAsync(() -> acquire(limit));
        await().atMost(Duration.ofSeconds(10)).until(() -> limit.waiting() == 1);
        limit.release(out.removeFirst(), Outcome.IGNORED);
        assertThat(limit.inFlight()).isEqualTo(2);
        limit.release(out.removeFirst(), Outcome.IGNORED);

        assertThat(next.get()).isNotNull();
        assertThat(limit.inFlight()).isEqualTo(2);
    }

    @Test
    void anInterruptedWaiterLeavesWithoutAPermit() throws Exception {
        AdaptiveLimit limit = new AdaptiveLimit(1);
        limit.acquire();
        CompletableFuture<Throwable> failure = new CompletableFuture<>();
        Thread waiter = new Thread(() -> {
            try {
                limit.acquire();
                failure.complete(null);
            } catch (InterruptedException e) {
                failure.complete(e);
            }
        });
        waiter.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> limit.waiting() == 1);

        waiter.interrupt();

        assertThat(failure.get()).isInstanceOf(InterruptedException.class);
        assertThat(limit.waiting()).isZero();
        assertThat(limit.inFlight()).isEqualTo(1);
    }

    @Test
    void aPermitIsReleasedOnceAndOnlyToItsOwnLimit() throws Exception {
        AdaptiveLimit limit = new AdaptiveLimit(3);
        Permit permit = limit.acquire();
        limit.release(permit, Outcome.SUCCESS);

        assertThatThrownBy(() -> limit.release(permit, Outcome.SUCCESS)).isInstanceOf(IllegalStateException.class);
        assertThat(limit.inFlight()).isZero();
        Permit other = limit.acquire();
        assertThatThrownBy(() -> new AdaptiveLimit(1).release(other, Outcome.SUCCESS))
                .isInstanceOf(IllegalStateException.class);
        assertThat(limit.inFlight()).isEqualTo(1);
    }

    @Test
    void refusesAMaximumBelowOne() {
        assertThatThrownBy(() -> new AdaptiveLimit(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("max < 1: 0");
    }

    private static Permit acquire(AdaptiveLimit limit) {
        try {
            return limit.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

package budgetbot.fetch;

import budgetbot.time.Window;
import budgetbot.usage.Series;
import budgetbot.usage.Usage;
import budgetbot.usage.UsageException;
import budgetbot.usage.UsageSource;
import budgetbot.usage.UsageTotals;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OnceEachTest {
    private static final Series SERIES = new Series("k1", "m1");
    private static final Window OPEN = new Window(Instant.parse("2026-11-28T00:00:00Z"),
            Instant.parse("2026-11-28T09:05:00Z"));

    /** Counts its calls, answers slowly, and fails the first call when told to. */
    private static final class Counting implements UsageSource {
        final AtomicInteger calls = new AtomicInteger();
        final boolean failFirst;

        Counting(boolean failFirst) {
            this.failFirst = failFirst;
        }

        @Override
        public Usage fetch(Series series, Window window) {
            int call = calls.incrementAndGet();
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (failFirst && call == 1) {
                throw new UsageException("UCloud timed out", null);
            }
            return new Usage(series, window, new UsageTotals(call, 0, call, 1, 0), List.of());
        }
    }

    @Test
    void asksOnceForTheSameSeriesAndWindowWhoeverAsksAtTheSameTime() throws Exception {
        Counting source = new Counting(false);
        OnceEach once = new OnceEach(source);
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<Usage>> answers = List.of(pool.submit(() -> once.fetchOnce(SERIES, OPEN)),
                    pool.submit(() -> once.fetchOnce(SERIES, OPEN)), pool.submit(() -> once.fetchOnce(SERIES, OPEN)));
            for (Future<Usage> a : answers) {
                assertThat(a.get().totals().inputTokens()).isEqualTo(1);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(source.calls).hasValue(1);
        once.fetchOnce(SERIES, new Window(OPEN.start(), OPEN.end().plus(Duration.ofMinutes(5))));
        assertThat(source.calls).as("another window is another request").hasValue(2);
    }

    @Test
    void keepsNoFailure() {
        Counting source = new Counting(true);
        OnceEach once = new OnceEach(source);

        assertThatThrownBy(() -> once.fetch(SERIES, OPEN)).isInstanceOf(UsageException.class);
        assertThat(once.fetch(SERIES, OPEN).totals().inputTokens()).isEqualTo(2);
    }
}

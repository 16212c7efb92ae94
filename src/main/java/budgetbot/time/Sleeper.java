package budgetbot.time;

import java.time.Duration;

/** Waits between retries; a seam so tests can record the waits instead of sitting through them. */
@FunctionalInterface
public interface Sleeper {
    Sleeper REAL = d -> Thread.sleep(d.toMillis());

    void sleep(Duration duration) throws InterruptedException;
}

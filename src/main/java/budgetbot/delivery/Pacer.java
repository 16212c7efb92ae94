package budgetbot.delivery;

import budgetbot.notify.RateLimit;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps the rate limits of every channel: from the sends of the last window, when the next message to a channel
 * may go. A sliding window per limit: at most {@code messages} sends in any {@code per}, as the platforms count.
 */
final class Pacer {
    private final Map<String, List<RateLimit>> limits;
    private final Duration window;
    private final Map<String, Deque<Instant>> sends = new HashMap<>();

    Pacer(Map<String, List<RateLimit>> limits) {
        this.limits = Map.copyOf(limits);
        this.window = this.limits.values().stream().flatMap(List::stream).map(RateLimit::per)
                .max(Duration::compareTo).orElse(Duration.ZERO);
    }

    /** How far back sends matter: the longest window of any channel's limits; zero when no channel has one. */
    Duration window() {
        return window;
    }

    /** Starts over from what was sent (by every sender of the database, so a restart or a cluster keeps count). */
    void reset(Map<String, ? extends Collection<Instant>> sent) {
        sends.clear();
        sent.forEach((channel, times) -> times.forEach(t -> record(channel, t)));
    }

    /** A send to {@code channel} at {@code at}, delivered or not: the platform counts both. */
    void record(String channel, Instant at) {
        if (!limits.getOrDefault(channel, List.of()).isEmpty()) {
            sends.computeIfAbsent(channel, c -> new ArrayDeque<>()).addLast(at);
        }
    }

    /** The earliest moment from {@code now} at which a send to {@code channel} stays within all its limits. */
    Instant nextSlot(String channel, Instant now) {
        Deque<Instant> past = sends.get(channel);
        if (past == null) {
            return now;
        }
        while (!past.isEmpty() && !past.peekFirst().isAfter(now.minus(window))) {
            past.removeFirst();
        }
        List<Instant> recent = past.stream().sorted().toList();
        Instant slot = now;
        for (RateLimit limit : limits.get(channel)) {
            List<Instant> inWindow = recent.stream().filter(t -> t.isAfter(now.minus(limit.per()))).toList();
            if (inWindow.size() >= limit.messages()) {
                // the window must first lose enough of its oldest sends to leave room for one more
                Instant free = inWindow.get(inWindow.size() - limit.messages()).plus(limit.per());
                slot = free.isAfter(slot) ? free : slot;
            }
        }
        return slot;
    }
}

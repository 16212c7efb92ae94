package budgetbot.simulator;

import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/** The simulator's queue of pending faults: each one is played on one of the next requests, in order. */
public final class Faults {
    private final Queue<Fault> queue = new ConcurrentLinkedQueue<>();

    Faults() {
    }

    public void enqueue(Fault... faults) {
        for (Fault f : faults) {
            queue.add(f);
        }
    }

    /** {@code fault} for each of the next {@code count} requests. */
    public void enqueue(Fault fault, int count) {
        if (count < 0) {
            throw new IllegalArgumentException("count < 0: " + count);
        }
        for (int i = 0; i < count; i++) {
            queue.add(fault);
        }
    }

    /** Drops every pending fault: UCloud is back. */
    public void clear() {
        queue.clear();
    }

    public int pending() {
        return queue.size();
    }

    Optional<Fault> next() {
        return Optional.ofNullable(queue.poll());
    }
}

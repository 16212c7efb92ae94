package budgetbot.schedule;

import budgetbot.notify.Message;
import budgetbot.notify.Notifier;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

/** A channel that records what it is sent; optionally each send first waits for the test to open a gate. */
final class Recorder implements Notifier {
    private final List<Message> sent = new CopyOnWriteArrayList<>();
    private final CountDownLatch entered = new CountDownLatch(1);
    private final CountDownLatch gate;

    private Recorder(CountDownLatch gate) {
        this.gate = gate;
    }

    static Recorder open() {
        return new Recorder(new CountDownLatch(0));
    }

    /** Every send blocks until {@code gate} opens. */
    static Recorder gated(CountDownLatch gate) {
        return new Recorder(gate);
    }

    @Override
    public void send(Message message) {
        entered.countDown();
        try {
            gate.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted at the gate", e);
        }
        sent.add(message);
    }

    /** Whether a send has begun (and may be waiting at the gate). */
    boolean entered() {
        return entered.getCount() == 0;
    }

    List<Message> sent() {
        return List.copyOf(sent);
    }

    List<Message> sent(String kind) {
        return sent.stream().filter(m -> m.kind().equals(kind)).toList();
    }
}

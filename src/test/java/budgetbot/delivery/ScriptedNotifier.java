package budgetbot.delivery;

import budgetbot.notify.DeliveryException;
import budgetbot.notify.Message;
import budgetbot.notify.Notifier;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/** A notifier that fails as scripted, then delivers; records what it delivered. */
final class ScriptedNotifier implements Notifier {
    private final Deque<RuntimeException> uncheckedFailures = new ArrayDeque<>();
    private final Deque<DeliveryException> failures = new ArrayDeque<>();
    private final List<Message> delivered = new ArrayList<>();

    ScriptedNotifier failWith(DeliveryException e) {
        failures.add(e);
        return this;
    }

    ScriptedNotifier crashWith(RuntimeException e) {
        uncheckedFailures.add(e);
        return this;
    }

    @Override
    public synchronized void send(Message message) throws DeliveryException {
        if (!uncheckedFailures.isEmpty()) {
            throw uncheckedFailures.poll();
        }
        if (!failures.isEmpty()) {
            throw failures.poll();
        }
        delivered.add(message);
    }

    synchronized List<String> deliveredSubjects() {
        return delivered.stream().map(Message::subject).toList();
    }
}

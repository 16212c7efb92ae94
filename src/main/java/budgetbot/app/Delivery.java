package budgetbot.app;

import budgetbot.delivery.DrainResult;

/** Delivery as a command run by hand does it. */
public final class Delivery {
    private Delivery() {
    }

    /**
     * Tries every undelivered notification now, also those waiting out a backoff; returns a summary line that
     * starts with {@code label} ("delivery", "alert delivery").
     */
    public static String deliverNow(App app, String label) {
        DrainResult r = app.dispatcher().drainAll();
        return label + ": " + r.sent() + " sent, " + r.failed() + " failed, " + r.pending() + " pending";
    }
}

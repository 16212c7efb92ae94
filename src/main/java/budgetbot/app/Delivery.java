package budgetbot.app;

import budgetbot.delivery.DrainResult;

/** Delivery as a command run by hand does it. */
public final class Delivery {
    private Delivery() {
    }

    /** Tries every undelivered notification now, also those waiting out a backoff. */
    public static DrainResult deliverNow(App app) {
        return app.dispatcher().drainAll();
    }

    /** The line a command prints; it says when notifications could not be delivered and wait in the outbox. */
    public static String summary(DrainResult r) {
        String line = "delivery: " + r.sent() + " sent, " + r.failed() + " failed, " + r.pending() + " pending";
        return r.failed() == 0 ? line : line + " (" + r.failed() + " could not be delivered and stay"
                + (r.failed() == 1 ? "s" : "") + " queued: the next check, digest or run tries again)";
    }
}

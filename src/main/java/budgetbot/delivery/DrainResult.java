package budgetbot.delivery;

/**
 * What one {@link Dispatcher#drain()} did.
 *
 * @param pending entries still undelivered afterwards, including ones not yet due
 */
public record DrainResult(int sent, int failed, int pending) {
    public DrainResult {
        if (sent < 0 || failed < 0 || pending < 0) {
            throw new IllegalArgumentException("negative count: " + sent + "/" + failed + "/" + pending);
        }
    }
}

package budgetbot.testing;

import org.junit.jupiter.api.Assumptions;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * What a test needs from the machine (a PostgreSQL, a Debian package): when it is missing the test is skipped
 * locally, and fails when {@code CI=true}, where {@code .ci/run} installs everything.
 */
public final class Needs {
    private Needs() {
    }

    /** Returns when {@code present}; otherwise skips the test, or fails it in CI, saying {@code missing}. */
    public static void that(boolean present, String missing) {
        if (present) {
            return;
        }
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail("CI=true but " + missing);
        }
        Assumptions.abort(missing);
    }
}

package budgetbot.notify.slack;

import budgetbot.notify.DeliveryException;
import budgetbot.notify.JsonPost;
import budgetbot.notify.Redaction;

import java.time.Duration;
import java.util.Collection;
import java.util.Optional;
import java.util.Set;

/**
 * The one place that decides what a Slack answer means: 2xx without an error is delivered; 429, 5xx and I/O
 * failures may succeed later; other 4xx and {@code ok:false} errors will not, except the few Slack names
 * as transient.
 */
final class SlackResults {
    /** {@code ok:false} errors that Slack documents as temporary. */
    private static final Set<String> TRANSIENT_ERRORS =
            Set.of("ratelimited", "rate_limited", "service_unavailable", "internal_error", "fatal_error",
                    "request_timeout");

    private SlackResults() {
    }

    /**
     * Returns when the answer means delivered, otherwise throws its {@link #failure}.
     *
     * @param target     names the destination without secrets ("the Slack webhook of channel ops")
     * @param status     the HTTP status
     * @param error      Slack's error (the {@code error} of {@code ok:false}, or a webhook's body); empty when ok
     * @param retryAfter the Retry-After header, if any
     * @param secrets    values that must not appear in the message
     * @throws DeliveryException unless the message was delivered
     */
    static void check(String target, int status, Optional<String> error, Optional<String> retryAfter,
                      Collection<String> secrets) throws DeliveryException {
        if (status / 100 != 2 || error.isPresent()) {
            throw failure(target, status, error, retryAfter, secrets);
        }
    }

    /** The failure that an answer other than "2xx without an error" means. */
    static DeliveryException failure(String target, int status, Optional<String> error, Optional<String> retryAfter,
                                     Collection<String> secrets) {
        boolean success = status / 100 == 2;
        String detail = error.map(e -> Redaction.scrub(JsonPost.shorten(e), secrets)).orElse("");
        String message = "Slack did not accept the message for " + target + ": "
                + (success ? "error " + detail : "HTTP " + status + (detail.isEmpty() ? "" : " " + detail));
        boolean retry = status == 429 || status >= 500 || (success && TRANSIENT_ERRORS.contains(detail));
        Duration after = retry ? retryAfter.flatMap(JsonPost::seconds).orElse(null) : null;
        return new DeliveryException(message, retry, after, null);
    }

    /** A transport failure: no answer, so the message may go through on a later attempt. */
    static DeliveryException io(String target, Exception e, Collection<String> secrets) {
        return DeliveryException.retryable("could not reach Slack for " + target + ": "
                + Redaction.scrub(e.getClass().getSimpleName() + ": " + e.getMessage(), secrets),
                Redaction.scrub(e, secrets));
    }

}

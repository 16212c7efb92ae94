package budgetbot.interact;

import budgetbot.time.Backoff;
import budgetbot.time.Jitter;
import budgetbot.time.Sleeper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * Answers a click through its {@code response_url}: Slack's way to replace the clicked message or to tell only the
 * person who clicked something. The URL is valid for 30 minutes and five answers; a failed answer is tried three
 * times (what the click did is done and logged by then: the answer only shows it).
 */
final class ResponseUrl {
    private static final Logger log = LoggerFactory.getLogger(ResponseUrl.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final int ATTEMPTS = 3;
    private static final Backoff BACKOFF = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(4),
            Duration.ofSeconds(10));

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private final Sleeper sleeper;

    ResponseUrl(Sleeper sleeper) {
        this.sleeper = sleeper;
    }

    /**
     * Whether {@code url} may be answered: Slack's are https; plain http only to this machine (a local stand-in),
     * so that a forged payload could not make the bot send requests into the network in the clear.
     */
    static boolean acceptable(String url) {
        try {
            URI u = URI.create(url);
            if ("https".equals(u.getScheme()) && u.getHost() != null) {
                return true;
            }
            return "http".equals(u.getScheme()) && u.getHost() != null
                    && InetAddress.getByName(u.getHost()).isLoopbackAddress();
        } catch (IllegalArgumentException | UnknownHostException e) {
            return false;
        }
    }

    /** Posts {@code json}; false when Slack did not take it after three attempts (logged). */
    boolean post(String url, String json) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT)
                .header("Content-Type", "application/json; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)).build();
        String failure = "";
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            Optional<Duration> retryAfter = Optional.empty();
            try {
                HttpResponse<String> answer = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() / 100 == 2) {
                    return true;
                }
                failure = "HTTP " + answer.statusCode() + " " + shortened(answer.body());
                if (answer.statusCode() != 429 && answer.statusCode() < 500) {
                    break;
                }
                retryAfter = answer.headers().firstValueAsLong("Retry-After").stream().boxed()
                        .map(Duration::ofSeconds).findFirst();
            } catch (IOException e) {
                failure = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            if (attempt < ATTEMPTS && !pause(BACKOFF.delay(attempt, retryAfter, Jitter.RANDOM))) {
                return false;
            }
        }
        // the URL is the click's own credential for 30 minutes: its host is enough to tell where
        log.warn("answering a Slack click through its response_url at {} failed: {}", URI.create(url).getHost(),
                failure);
        return false;
    }

    private boolean pause(Duration delay) {
        try {
            sleeper.sleep(delay);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String shortened(String body) {
        String oneLine = body == null ? "" : body.replaceAll("\\s+", " ").strip();
        return oneLine.length() > 200 ? oneLine.substring(0, 200) + "…" : oneLine;
    }
}

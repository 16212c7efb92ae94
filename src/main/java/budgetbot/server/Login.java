package budgetbot.server;

import budgetbot.config.Secret;
import com.sun.net.httpserver.HttpExchange;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * HTTP basic authentication against {@code server.users}: a bcrypt hash per user, checked in constant time. A login
 * that worked is remembered for a few minutes (as a digest, never the password), so that a scrape every 15 s does
 * not pay bcrypt's cost each time. Failed logins are logged with the user and the address, counted, and answered
 * more slowly the more often one address fails, up to two seconds: an attacker is slowed, the real user never
 * locked out.
 */
final class Login {
    /** What a request's credentials are worth. */
    enum Outcome { NONE, OK, FAILED }

    private static final Logger log = LoggerFactory.getLogger(Login.class);
    private static final Duration REMEMBERED = Duration.ofMinutes(5);
    private static final Duration MAX_DELAY = Duration.ofSeconds(2);
    private static final int MAX_TRACKED_ADDRESSES = 10_000;

    private final Map<String, Secret> users;
    private final Clock clock;
    private final BCryptPasswordEncoder bcrypt = new BCryptPasswordEncoder();
    /** What an unknown user's password is checked against, so that a wrong name takes as long as a wrong password. */
    private final String decoy = bcrypt.encode("no such user");
    private final Map<String, Instant> remembered = new ConcurrentHashMap<>();
    private final Map<String, Integer> failures = new ConcurrentHashMap<>();

    Login(Map<String, Secret> users, Clock clock) {
        this.users = Map.copyOf(users);
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Whether the protected pages need a login at all. */
    boolean required() {
        return !users.isEmpty();
    }

    /** The request's credentials checked; a failure is logged, counted in {@code registry} and slowed down. */
    Outcome check(HttpExchange exchange, MeterRegistry registry) {
        Optional<String[]> credentials = basic(exchange.getRequestHeaders().getFirst("Authorization"));
        if (credentials.isEmpty()) {
            return Outcome.NONE;
        }
        String user = credentials.get()[0];
        String address = exchange.getRemoteAddress().getAddress().getHostAddress();
        if (verify(user, credentials.get()[1])) {
            failures.remove(address);
            return Outcome.OK;
        }
        int failed = failures.merge(address, 1, Integer::sum);
        if (failures.size() > MAX_TRACKED_ADDRESSES) {
            failures.clear();
        }
        log.warn("failed login to the status page as user \"{}\" from {} ({} in a row)", user, address, failed);
        registry.counter("budgetbot.server.login.failures").increment();
        pause(failed);
        return Outcome.FAILED;
    }

    private boolean verify(String user, String password) {
        Secret hash = users.get(user);
        String key = digest(user, password, hash == null ? decoy : hash.reveal());
        Instant until = remembered.get(key);
        Instant now = clock.instant();
        if (hash != null && until != null && now.isBefore(until)) {
            return true;
        }
        boolean ok = bcrypt.matches(password, hash == null ? decoy : hash.reveal()) && hash != null;
        if (ok) {
            remembered.values().removeIf(t -> !now.isBefore(t));
            remembered.put(key, now.plus(REMEMBERED));
        }
        return ok;
    }

    /** A digest of the credentials and the hash they were checked against: no password is kept. */
    private static String digest(String user, String password, String hash) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256")
                    .digest((user + "\u0000" + password + "\u0000" + hash).getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** 100 ms after the first failure of an address, doubling, at most {@link #MAX_DELAY}. */
    private static void pause(int failed) {
        long millis = Math.min(MAX_DELAY.toMillis(), 100L << Math.min(failed - 1, 10));
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** {@code Basic base64(user:password)}, split at the first colon. */
    static Optional<String[]> basic(String header) {
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return Optional.empty();
        }
        try {
            String decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return colon < 0 ? Optional.empty()
                    : Optional.of(new String[]{decoded.substring(0, colon), decoded.substring(colon + 1)});
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}

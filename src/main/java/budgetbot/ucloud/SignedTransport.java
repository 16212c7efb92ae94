package budgetbot.ucloud;

import budgetbot.config.UCloudConfig;
import budgetbot.time.Backoff;
import budgetbot.time.Jitter;
import budgetbot.time.Sleeper;
import budgetbot.time.Window;
import budgetbot.usage.LogContext;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import okhttp3.ConnectionPool;
import okhttp3.FormBody;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.BufferedSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * What every UCloud action shares: the signed form post ({@link SigningInterceptor}), the envelope and its RetCodes
 * read into errors that say what to check, retries with the shared {@link Backoff}, and the limit on requests in
 * flight ({@link AdaptiveLimit}), however many threads and actions call it. A failed attempt is logged at DEBUG.
 */
final class SignedTransport implements AutoCloseable {
    static final String REQUEST_ID = "X-UCLOUD-REQUEST-UUID";
    static final long MAX_BODY = 16L * 1024 * 1024;
    /** The client's logger: its lines keep the name operators filter them by. */
    private static final Logger log = LoggerFactory.getLogger(UCloudClient.class);
    /** UCloud's "request rate-limited": like HTTP 429, a sign to send fewer requests at once. */
    private static final int RATE_LIMITED = 153;
    private static final Set<Integer> RETRYABLE_RET_CODES = Set.of(110, 130, 150, RATE_LIMITED);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final UCloudConfig cfg;
    private final Backoff backoff;
    private final Jitter jitter;
    private final Sleeper sleeper;
    private final HttpUrl url;
    private final AdaptiveLimit limit;
    private final OkHttpClient http;

    SignedTransport(UCloudConfig cfg, Backoff backoff, Jitter jitter, Sleeper sleeper) {
        this.cfg = cfg;
        this.backoff = backoff;
        this.jitter = jitter;
        this.sleeper = sleeper;
        // every parameter, Action included, goes in the signed form body once: a gateway that merges the query
        // into the body could otherwise see Action twice and reject the signature
        this.url = HttpUrl.get(cfg.baseUrl().toString());
        this.limit = new AdaptiveLimit(cfg.maxConcurrency());
        this.http = new OkHttpClient.Builder()
                .addInterceptor(new SigningInterceptor(cfg.publicKey(), Signer.of(cfg.privateKey())))
                // every retry goes through the loop below, so attempts are counted and logged in one place
                .retryOnConnectionFailure(false)
                // as many idle connections as requests may be in flight, so a burst does not reconnect each time
                .connectionPool(new ConnectionPool(cfg.maxConcurrency(), 5, TimeUnit.MINUTES))
                .connectTimeout(cfg.timeout())
                .readTimeout(cfg.timeout())
                .writeTimeout(cfg.timeout())
                .callTimeout(cfg.timeout())
                .build();
    }

    /** The limit on requests in flight. */
    AdaptiveLimit limit() {
        return limit;
    }

    /** Stops OkHttp's dispatcher and idle connections; calls in flight finish. */
    @Override
    public void close() {
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }

    /**
     * One request to UCloud.
     *
     * @param params       the action's own parameters; {@code ProjectId} and the signature are added
     * @param what         the request in words, for messages
     * @param slice        the window asked about, if any
     * @param readableData which shapes of {@code Data} are an answer rather than garbage
     */
    record Call(String action, Map<String, String> params, String what, Optional<Window> slice,
                Predicate<JsonNode> readableData) {
    }

    /** Sends {@code call} until UCloud answers RetCode 0, fails for good, or the retries are used up. */
    JsonNode call(Call call) {
        int maxAttempts = cfg.maxRetries() + 1;
        for (int attempt = 1; ; attempt++) {
            try {
                return limitedAttempt(call);
            } catch (AttemptFailure f) {
                try (MDC.MDCCloseable id = MDC.putCloseable(LogContext.REQUEST_ID, f.requestIdText())) {
                    log.debug("{}: attempt {}/{} failed: {}; request id {}", call.what(), attempt, maxAttempts,
                            f.getMessage(), f.requestIdText());
                }
                if (!f.retryable || attempt == maxAttempts) {
                    throw f.toException(call, attempt);
                }
                try {
                    sleeper.sleep(backoff.delay(attempt, f.retryAfter, jitter));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw interrupted("interrupted while waiting to retry " + call.what(), call.slice(), e);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw interrupted("interrupted while waiting for a free request slot for " + call.what(), call.slice(),
                        e);
            }
        }
    }

    /** One attempt holding a permit: only the HTTP exchange counts against the limit, never a retry's wait. */
    private JsonNode limitedAttempt(Call call) throws AttemptFailure, InterruptedException {
        AdaptiveLimit.Permit permit = limit.acquire();
        AdaptiveLimit.Outcome outcome = AdaptiveLimit.Outcome.IGNORED;
        try {
            JsonNode answer = attempt(call);
            outcome = AdaptiveLimit.Outcome.SUCCESS;
            return answer;
        } catch (AttemptFailure f) {
            outcome = f.overloaded ? AdaptiveLimit.Outcome.OVERLOADED : AdaptiveLimit.Outcome.IGNORED;
            throw f;
        } finally {
            limit.release(permit, outcome);
        }
    }

    static UCloudException interrupted(String message, Optional<Window> slice, InterruptedException e) {
        return new UCloudException(message, message, slice, OptionalInt.empty(), Optional.empty(), 0, false, e);
    }

    private JsonNode attempt(Call call) throws AttemptFailure {
        FormBody.Builder form = new FormBody.Builder().add("Action", call.action());
        call.params().forEach(form::add);
        if (!cfg.projectId().isEmpty()) {
            form.add("ProjectId", cfg.projectId());
        }
        Request request = new Request.Builder().url(url).post(form.build()).build();
        try (Response response = http.newCall(request).execute()) {
            Optional<String> requestId = Optional.ofNullable(response.header(REQUEST_ID));
            int code = response.code();
            if (code == 429 || code >= 500) {
                throw new AttemptFailure("HTTP " + code, true, code == 429, OptionalInt.empty(), requestId,
                        retryAfter(response));
            }
            if (code >= 300) {
                throw new AttemptFailure("UCloud answered HTTP " + code + " at " + url.host(), false, false,
                        OptionalInt.empty(), requestId, Optional.empty());
            }
            return envelope(read(response.body(), requestId), requestId, call.readableData());
        } catch (IOException e) {
            throw new AttemptFailure("no answer from " + url.host() + ": " + e, true, false, OptionalInt.empty(),
                    Optional.empty(), Optional.empty());
        }
    }

    /**
     * The body as text, refused beyond {@link #MAX_BODY}: a day's usage is kilobytes, so a larger answer is not
     * from UCloud (a proxy's error page, a wrong {@code baseUrl}), and reading it whole could exhaust the heap.
     */
    private String read(ResponseBody body, Optional<String> requestId) throws IOException, AttemptFailure {
        BufferedSource source = body.source();
        if (body.contentLength() > MAX_BODY || source.request(MAX_BODY + 1)) {
            throw new AttemptFailure("the answer is larger than " + MAX_BODY / (1024 * 1024) + " MiB, not an answer "
                    + "from UCloud (is ucloud.baseUrl right?)", false, false, OptionalInt.empty(), requestId,
                    Optional.empty());
        }
        return source.readUtf8();
    }

    private JsonNode envelope(String body, Optional<String> requestId, Predicate<JsonNode> readableData)
            throws AttemptFailure {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            root = null;
        }
        if (root == null || !root.path("RetCode").canConvertToInt() || !readableData.test(root.path("Data"))) {
            throw new AttemptFailure("unreadable answer (" + body.length() + " bytes, not a UCloud envelope)", true,
                    false, OptionalInt.empty(), requestId, Optional.empty());
        }
        int retCode = root.get("RetCode").asInt();
        if (retCode != 0) {
            String message = root.path("Message").asText("");
            throw new AttemptFailure(explain(retCode, message), isRetryable(retCode), retCode == RATE_LIMITED,
                    OptionalInt.of(retCode), requestId, Optional.empty());
        }
        // the answer carries its request id under the header's name, which no UCloud field has: an audit keeps it
        if (root instanceof ObjectNode o && requestId.isPresent()) {
            o.put(REQUEST_ID, requestId.get());
        }
        return root;
    }

    static boolean isRetryable(int retCode) {
        return RETRYABLE_RET_CODES.contains(retCode) || retCode >= 2000;
    }

    /** A RetCode in words, with what to check when it is a configuration problem. */
    private String explain(int retCode, String message) {
        String code = "(RetCode " + retCode + (message.isEmpty() ? "" : ": " + message) + ")";
        return switch (retCode) {
            case 171 -> "UCloud rejected the signature " + code + ": check ucloud.privateKey for public key "
                    + cfg.publicKey();
            case 172, 174 -> "UCloud does not know the credentials " + code + ": check ucloud.publicKey "
                    + cfg.publicKey();
            case 292 -> "UCloud does not know the project " + code + ": check ucloud.projectId '"
                    + cfg.projectId() + "'";
            case 294 -> "UCloud denied this machine's IP address " + code
                    + ": allow it for public key " + cfg.publicKey();
            case 299 -> "UCloud's IAM check failed " + code + ": grant public key " + cfg.publicKey()
                    + " access to UModelVerse in project '" + cfg.projectId() + "'";
            default -> "UCloud answered " + code;
        };
    }

    private static Optional<Duration> retryAfter(Response response) {
        String value = response.header("Retry-After");
        if (value == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(value.trim()))));
        } catch (NumberFormatException e) {
            // the HTTP-date form is not worth a clock here: fall back to our own backoff
            return Optional.empty();
        }
    }

    /** One attempt's failure, before deciding whether to retry it. */
    private static final class AttemptFailure extends Exception {
        final boolean retryable;
        /** A rate limit (RetCode 153, HTTP 429): fewer requests at once, not only a later retry. */
        final boolean overloaded;
        final OptionalInt retCode;
        final Optional<String> requestId;
        final Optional<Duration> retryAfter;

        AttemptFailure(String reason, boolean retryable, boolean overloaded, OptionalInt retCode,
                       Optional<String> requestId, Optional<Duration> retryAfter) {
            super(reason, null, false, false);
            this.retryable = retryable;
            this.overloaded = overloaded;
            this.retCode = retCode;
            this.requestId = requestId;
            this.retryAfter = retryAfter;
        }

        String requestIdText() {
            return requestId.orElse("(none)");
        }

        UCloudException toException(Call call, int attempts) {
            String prefix = retryable ? "UCloud still failing after " + attempts + " attempts: " : "";
            return new UCloudException(prefix + getMessage() + "; request id " + requestIdText() + " (" + call.what()
                    + ", " + attempts + (attempts == 1 ? " attempt)" : " attempts)"),
                    getMessage(), call.slice(), retCode, requestId, attempts, retCode.isPresent() && !retryable, null);
        }
    }
}

package budgetbot.ucloud;

import budgetbot.config.UCloudConfig;
import budgetbot.time.Backoff;
import budgetbot.time.Jitter;
import budgetbot.time.Sleeper;
import budgetbot.time.Window;
import budgetbot.usage.ApiKey;
import budgetbot.usage.KeyDirectory;
import budgetbot.usage.LogContext;
import budgetbot.usage.Series;
import budgetbot.usage.Usage;
import budgetbot.usage.UsageSource;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The UCloud usage source: signed {@code GetUMInferTokenUsage} form posts, retried with backoff, long windows
 * fetched as parallel day slices and merged. However many threads call it, at most {@code ucloud.maxConcurrency}
 * requests are in flight, fewer while UCloud rate-limits ({@link AdaptiveLimit}).
 *
 * <p>It is also the project's key directory: {@code ListUMInferAPIKey}, page by page, and
 * {@code GetUMInferAPIModel} for the models of each enabled key, with the same signing, retries and limit.
 *
 * <p>A failed attempt is logged at DEBUG; a fetch that fails for good logs one WARN for its series and window.
 */
public final class UCloudClient implements UsageSource, KeyDirectory, AutoCloseable {
    static final String ACTION = "GetUMInferTokenUsage";
    static final String LIST_KEYS = "ListUMInferAPIKey";
    static final String LIST_MODELS = "GetUMInferAPIModel";
    /** Keys asked for per ListUMInferAPIKey page: UCloud's maximum. */
    static final int PAGE_SIZE = 100;
    /** GetUMInferAPIModel's ModelType: 1 text generation, 2 image generation. */
    private static final List<Integer> MODEL_TYPES = List.of(1, 2);
    static final String REQUEST_ID = "X-UCLOUD-REQUEST-UUID";

    private static final Logger log = LoggerFactory.getLogger(UCloudClient.class);
    static final long MAX_BODY = 16L * 1024 * 1024;
    /** UCloud's "request rate-limited": like HTTP 429, a sign to send fewer requests at once. */
    private static final int RATE_LIMITED = 153;
    private static final Set<Integer> RETRYABLE_RET_CODES = Set.of(110, 130, 150, RATE_LIMITED);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Predicate<JsonNode> USAGE_DATA = d -> d.isObject() || d.isMissingNode() || d.isNull();
    private static final Predicate<JsonNode> LIST_DATA = d -> d.isContainerNode() || d.isMissingNode() || d.isNull();

    private final UCloudConfig cfg;
    private final ZoneId zone;
    private final Backoff backoff;
    private final Sleeper sleeper;
    private final HttpUrl url;
    private final AdaptiveLimit limit;
    private final OkHttpClient http;
    private final ExecutorService slices;

    private UCloudClient(UCloudConfig cfg, ZoneId zone, Backoff backoff, Sleeper sleeper) {
        this.cfg = cfg;
        this.zone = zone;
        this.backoff = backoff;
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
        AtomicInteger threads = new AtomicInteger();
        // one thread per permit: the limit, not the pool, bounds the requests, and a series whose slices wait on
        // a slow UCloud holds no more threads than it holds permits
        this.slices = Executors.newFixedThreadPool(cfg.maxConcurrency(), r -> {
            Thread t = new Thread(r, "ucloud-slice-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * A client for {@code cfg}; {@code zone} places the midnights at which long windows are cut (UCloud's console
     * counts days in China Standard Time).
     */
    public static UCloudClient create(UCloudConfig cfg, ZoneId zone) {
        return create(cfg, zone, Backoff.UCLOUD, Sleeper.REAL);
    }

    static UCloudClient create(UCloudConfig cfg, ZoneId zone, Backoff backoff, Sleeper sleeper) {
        Objects.requireNonNull(cfg, "cfg");
        Objects.requireNonNull(zone, "zone");
        if (cfg.maxRetries() < 0) {
            throw new IllegalArgumentException("ucloud.maxRetries < 0: " + cfg.maxRetries());
        }
        if (cfg.maxConcurrency() < 1) {
            throw new IllegalArgumentException("ucloud.maxConcurrency < 1: " + cfg.maxConcurrency());
        }
        if (cfg.publicKey().isEmpty()) {
            throw new IllegalArgumentException("ucloud.publicKey is empty");
        }
        return new UCloudClient(cfg, zone, backoff, sleeper);
    }

    @Override
    public Usage fetch(Series series, Window window) {
        List<Window> parts = DaySlices.split(window, zone);
        return usage(series, window, () -> parts.size() == 1 ? fetchSlice(series, parts.get(0))
                : fetchInParallel(series, parts));
    }

    /** One request, however long the window: the caller keeps it short (UCloud times out beyond about 10 days). */
    @Override
    public Usage fetchOnce(Series series, Window window) {
        return usage(series, window, () -> fetchSlice(series, window));
    }

    /** The usage {@code fetch} gets, with the series in the log context and one WARN when it fails for good. */
    private Usage usage(Series series, Window window, Supplier<SliceUsage> fetch) {
        if (window.length().isZero()) {
            return Usage.none(series, window);
        }
        SliceUsage usage;
        try (LogContext.Scope logged = LogContext.series(series)) {
            usage = fetch.get();
        } catch (UCloudException e) {
            logFailure(series, window, e);
            throw e;
        }
        return new Usage(series, window, usage.totals(), usage.bucketList());
    }

    /**
     * Lists every page of the project's keys (until {@code TotalCount} is reached, or without it until a page is
     * short; an empty page always ends the listing), then the text and image models of each enabled one. A listing
     * that fails is not logged here: the caller decides what it means. When UCloud refuses a key's models but
     * listed the key, its {@code GrantedModels} stand in (a WARN).
     */
    @Override
    public List<ApiKey> apiKeys() {
        Map<String, KeyListing.Listed> listed = new LinkedHashMap<>();
        for (int offset = 0; ; ) {
            JsonNode root = call(new Call(LIST_KEYS, Map.of("Offset", Integer.toString(offset), "Limit",
                    Integer.toString(PAGE_SIZE)), LIST_KEYS + " from Offset " + offset, Optional.empty(), LIST_DATA));
            List<KeyListing.Listed> page = KeyListing.keys(root.path("Data"));
            page.forEach(k -> listed.putIfAbsent(k.id(), k));
            offset += page.size();
            JsonNode total = root.path("TotalCount");
            // a server may cap Limit below what was asked for: TotalCount, when given, says whether more follow
            if (page.isEmpty() || (total.canConvertToLong() ? offset >= total.asLong() : page.size() < PAGE_SIZE)) {
                break;
            }
        }
        return listed.values().stream().map(k -> new ApiKey(k.id(), k.name(), k.enabled(), k.expires(),
                k.enabled() ? models(k) : Optional.of(List.of()))).toList();
    }

    private Optional<List<String>> models(KeyListing.Listed key) {
        Set<String> models = new LinkedHashSet<>();
        try {
            for (int type : MODEL_TYPES) {
                JsonNode root = call(new Call(LIST_MODELS, Map.of("KeyId", key.id(), "ModelType",
                        Integer.toString(type)), LIST_MODELS + " for KeyId " + key.id() + ", ModelType " + type,
                        Optional.empty(), LIST_DATA));
                models.addAll(KeyListing.models(root.path("Data")));
            }
        } catch (UCloudException e) {
            if (e.interrupted()) {
                throw e;
            }
            log.warn("{}; the models key {} may call are taken from its GrantedModels: {}", e.getMessage(), key.id(),
                    key.granted().map(String::valueOf).orElse("all, so any model"));
            return key.granted();
        }
        return Optional.of(List.copyOf(models));
    }

    /** The limit on requests in flight, for tests. */
    AdaptiveLimit limit() {
        return limit;
    }

    /** Stops the slice threads and OkHttp's dispatcher and idle connections; calls in flight finish. */
    @Override
    public void close() {
        slices.shutdown();
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }

    /** One WARN per failed fetch, whatever its slices and attempts; an interrupted fetch failed for another reason. */
    private static void logFailure(Series series, Window window, UCloudException e) {
        if (e.interrupted()) {
            log.debug("{} for KeyId {}, Model {}, {} interrupted", ACTION, series.keyId(), series.model(), window);
            return;
        }
        String slice = e.slice().filter(s -> !s.equals(window)).map(s -> " (day slice " + s + ")").orElse("");
        try (LogContext.Scope logged = LogContext.series(series);
             MDC.MDCCloseable id = MDC.putCloseable(LogContext.REQUEST_ID, e.requestId().orElse("(none)"))) {
            log.warn("{} failed for KeyId {}, Model {}, {}{}: {}; request id {}, {} {}", ACTION, series.keyId(),
                    series.model(), window, slice, e.reason(), e.requestId().orElse("(none)"), e.attempts(),
                    e.attempts() == 1 ? "attempt" : "attempts");
        }
    }

    private SliceUsage fetchInParallel(Series series, List<Window> parts) {
        // slices are taken as they finish, so the first one to fail for good fails the window at once
        CompletionService<SliceUsage> done = new ExecutorCompletionService<>(slices);
        List<Future<SliceUsage>> futures = new ArrayList<>();
        parts.forEach(part -> futures.add(done.submit(LogContext.carried(() -> fetchSlice(series, part)))));
        SliceUsage merged = SliceUsage.EMPTY;
        try {
            for (int i = 0; i < parts.size(); i++) {
                merged = merged.plus(done.take().get());
            }
            return merged;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException("slice failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw interrupted("interrupted while fetching " + series,
                    Optional.of(new Window(parts.get(0).start(), parts.get(parts.size() - 1).end())), e);
        } finally {
            futures.forEach(f -> f.cancel(true));
        }
    }

    private SliceUsage fetchSlice(Series series, Window slice) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("KeyId", series.keyId());
        params.put("Model", series.model());
        params.put("StartTime", Long.toString(slice.start().getEpochSecond()));
        params.put("EndTime", Long.toString(slice.end().getEpochSecond()));
        return SliceUsage.parse(call(new Call(ACTION, params, ACTION + " for " + series + ", " + slice,
                Optional.of(slice), USAGE_DATA)).path("Data"));
    }

    /**
     * One request to UCloud.
     *
     * @param params       the action's own parameters; {@code ProjectId} and the signature are added
     * @param what         the request in words, for messages
     * @param slice        the window asked about, if any
     * @param readableData which shapes of {@code Data} are an answer rather than garbage
     */
    private record Call(String action, Map<String, String> params, String what, Optional<Window> slice,
                        Predicate<JsonNode> readableData) {
    }

    /** Sends {@code call} until UCloud answers RetCode 0, fails for good, or the retries are used up. */
    private JsonNode call(Call call) {
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
                    sleeper.sleep(backoff.delay(attempt, f.retryAfter, Jitter.RANDOM));
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

    private static UCloudException interrupted(String message, Optional<Window> slice, InterruptedException e) {
        return new UCloudException(message, message, slice, OptionalInt.empty(), Optional.empty(), 0, e);
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
                    getMessage(), call.slice(), retCode, requestId, attempts, null);
        }
    }
}

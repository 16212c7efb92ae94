package budgetbot.simulator;

import budgetbot.config.Secret;
import budgetbot.time.Window;
import budgetbot.ucloud.Signer;
import budgetbot.usage.KeyLimits;
import budgetbot.usage.Series;
import budgetbot.usage.UsageTotals;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.util.RawValue;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * A fake UCloud OpenAPI on 127.0.0.1: checks signatures like UCloud, answers {@code GetUMInferTokenUsage} with
 * deterministic synthetic usage, {@code ListUMInferAPIKey} with its keys (paged, with each key's secret value as
 * UCloud sends it, its limits and their use), {@code GetUMInferAPIModel} with the models a key may call and
 * {@code UpdateUMInferAPIKey} (a key disabled or at a limit has no usage from then on), and plays queued faults.
 *
 * <p>Faults can also be queued over HTTP, for scripts:
 * {@code POST /_sim/faults?kind=http500|http503|http429|ret153|ret110|slow|garbage&count=N[&delayMs=..]}; and keys
 * added or changed while it runs: {@code POST /_sim/keys?id=K[&models=m1,m2][&status=1][&expireTime=-1]
 * [&disabled=0][&dailyLimit=100&dailyUsed=96.5][&monthlyLimit=..&monthlyUsed=..]}
 * ({@code GET /_sim/keys} lists them).
 */
public final class Simulator implements AutoCloseable {
    public static final String TOKEN_USAGE = "GetUMInferTokenUsage";
    public static final String LIST_KEYS = "ListUMInferAPIKey";
    public static final String LIST_MODELS = "GetUMInferAPIModel";
    public static final String UPDATE_KEY = "UpdateUMInferAPIKey";
    static final int REQUEST_LOG_SIZE = 10_000;
    static final String REQUEST_ID = "X-UCLOUD-REQUEST-UUID";

    private static final Logger log = LoggerFactory.getLogger(Simulator.class);

    static {
        // The JDK server writes the headers and the body of an answer separately; with Nagle's algorithm on, the
        // body then waits for the client's delayed ACK, about 40 ms on Linux: 16 connections made ~350 requests/s
        // with idle CPUs. Read once, when the first HttpServer of the JVM starts; an explicit -D setting wins.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SimulatorOptions opts;
    private final String publicKey;
    private final Secret privateKey;
    private final Signer signer;
    private final SyntheticUsage usage;
    private final SimKeys keys;
    private final Faults faults = new Faults();
    /** Actions answered with a refusal (RetCode and message) until further notice: credentials without a right. */
    private final Map<String, Map.Entry<Integer, String>> refused = new ConcurrentHashMap<>();
    /** The most recent requests, for tests; bounded, since a simulator may serve a running bot for days. */
    private final Deque<Map<String, String>> requests = new ArrayDeque<>();
    private final LongAdder apiRequests = new LongAdder();
    private final LongAdder tokenUsageRequests = new LongAdder();
    private final LongAdder emptyAnswers = new LongAdder();
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();
    private final ExecutorService executor;
    private final HttpServer server;

    private Simulator(SimulatorOptions opts) throws IOException {
        this.opts = opts;
        this.publicKey = "budgetbot-simulator-" + opts.seed();
        this.privateKey = demoPrivateKey(opts.seed());
        this.signer = Signer.of(privateKey);
        this.usage = new SyntheticUsage(opts.seed(), opts.rhythm(), opts.spike(), opts.clock().instant());
        this.keys = new SimKeys(opts.seed(), opts.clock(), opts.keys(), opts.models());
        AtomicInteger threads = new AtomicInteger();
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "simulator-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), opts.port()), 0);
        server.createContext("/", this::api);
        server.createContext("/_sim/faults", this::control);
        server.createContext("/_sim/stats", this::stats);
        server.createContext("/_sim/keys", this::keysControl);
        server.setExecutor(executor);
        server.start();
    }

    /** Starts a simulator; it serves until {@link #close()}. */
    public static Simulator start(SimulatorOptions opts) {
        try {
            return new Simulator(opts);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on 127.0.0.1:" + opts.port(), e);
        }
    }

    public URI baseUrl() {
        return URI.create("http://127.0.0.1:" + port() + "/");
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String publicKey() {
        return publicKey;
    }

    /** The demo private key, derived from the seed. */
    public Secret privateKey() {
        return privateKey;
    }

    public SimulatorOptions options() {
        return opts;
    }

    /** The parameters of every API request received so far (faulted ones included), oldest first. */
    public List<Map<String, String>> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    public Faults faults() {
        return faults;
    }

    /**
     * Answers every {@code action} from now on with {@code retCode} and {@code message}, as UCloud does for
     * credentials that lack the right (RetCode 299, "IAM check failed"); signatures are still checked first.
     */
    public void refuse(String action, int retCode, String message) {
        refused.put(action, Map.entry(retCode, message));
    }

    /** Counts of what was served so far; also {@code GET /_sim/stats} as JSON. */
    public SimulatorStats stats() {
        return new SimulatorStats(apiRequests.sum(), tokenUsageRequests.sum(), emptyAnswers.sum(), bytesIn.sum(),
                bytesOut.sum());
    }

    /** The API keys it lists; add one while it runs and the next listing has it. */
    public SimKeys keys() {
        return keys;
    }

    /** Exactly the totals the simulator reports for {@code series} over {@code window}, as of its clock's now. */
    public UsageTotals expected(Series series, Window window) {
        return keys.serve(series) ? usage.total(series, window, keys.usageUntil(series, opts.clock().instant()))
                : UsageTotals.ZERO;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void api(HttpExchange exchange) throws IOException {
        try (exchange) {
            answerApi(exchange);
        }
    }

    private void answerApi(HttpExchange exchange) throws IOException {
        try {
            Map<String, String> params = params(exchange, bytesIn);
            apiRequests.increment();
            synchronized (requests) {
                if (requests.size() == REQUEST_LOG_SIZE) {
                    requests.removeFirst();
                }
                requests.addLast(params);
            }
            Optional<Fault> fault = faults.next();
            if (fault.isPresent() && playFault(exchange, fault.get(), params)) {
                return;
            }
            Map<String, Object> answer = answer(params);
            log.debug("{} -> RetCode {}", params.get("Action"), answer.get("RetCode"));
            reply(exchange, 200, "application/json", render(answer), Map.of());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.warn("simulator failed on {}", exchange.getRequestURI(), e);
            reply(exchange, 500, "text/plain", "simulator error: " + e, Map.of());
        }
    }

    /** The answer as JSON; a usage answer's {@code Data}, already written, is spliced in rather than copied by Jackson. */
    private static String render(Map<String, Object> answer) throws JsonProcessingException {
        if (answer.get("Data") instanceof RawValue data && answer.size() == 3 && !answer.containsKey("Message")) {
            return "{\"Action\":" + JSON.writeValueAsString(answer.get("Action")) + ",\"RetCode\":"
                    + answer.get("RetCode") + ",\"Data\":" + data.rawValue() + "}";
        }
        return JSON.writeValueAsString(answer);
    }

    /** Plays {@code fault}; false when the normal answer should follow (a slow answer). */
    private boolean playFault(HttpExchange exchange, Fault fault, Map<String, String> params)
            throws IOException, InterruptedException {
        log.debug("playing fault {}", fault);
        String action = params.getOrDefault("Action", "");
        switch (fault.kind()) {
            case HTTP500 -> reply(exchange, 500, "text/plain", "Internal Server Error", Map.of());
            case HTTP503 -> reply(exchange, 503, "text/plain", "Service Unavailable", Map.of());
            case HTTP429 -> reply(exchange, 429, "text/plain", "Too Many Requests", Map.of("Retry-After", "1"));
            case RET153 -> reply(exchange, 200, "application/json",
                    JSON.writeValueAsString(envelope(action, 153, "Request rate limit exceeded")), Map.of());
            case RET110 -> reply(exchange, 200, "application/json",
                    JSON.writeValueAsString(envelope(action, 110, "API timeout")), Map.of());
            case GARBAGE -> reply(exchange, 200, "text/html", "<html><body>502 Bad Gateway</body></html>", Map.of());
            case SLOW -> {
                Thread.sleep(fault.delay().toMillis());
                return false;
            }
        }
        return true;
    }

    private Map<String, Object> answer(Map<String, String> params) {
        String action = params.get("Action");
        if (action == null) {
            return envelope("", 160, "Missing Action");
        }
        if (!params.containsKey(Signer.SIGNATURE)) {
            return envelope(action, 170, "Missing signature");
        }
        if (!publicKey.equals(params.get("PublicKey"))) {
            return envelope(action, 172, "User not exists");
        }
        String signature = params.get(Signer.SIGNATURE);
        if (!signer.verify(params, signature) && !signedWithEmptyValues(params, signature)) {
            return envelope(action, 171, "Signature VerifyAC Error");
        }
        Map.Entry<Integer, String> refusal = refused.get(action);
        if (refusal != null) {
            return envelope(action, refusal.getKey(), refusal.getValue());
        }
        try {
            return switch (action) {
                case TOKEN_USAGE -> tokenUsage(params);
                case LIST_KEYS -> listKeys(params);
                case LIST_MODELS -> listModels(params);
                case UPDATE_KEY -> updateKey(params);
                default -> envelope(action, 161, "Action [" + action + "] not exist");
            };
        } catch (BadParam e) {
            return envelope(action, 230, e.getMessage());
        }
    }

    /**
     * Whether {@code signature} covers the parameters including the empty ones ({@code ProjectId=""}): the official
     * Java SDK signs and sends an empty {@code ProjectId}, and UCloud accepts that as well as leaving it out.
     */
    private boolean signedWithEmptyValues(Map<String, String> params, String signature) {
        if (signature == null || !params.containsValue("")) {
            return false;
        }
        Map<String, String> sorted = new TreeMap<>(Simulator::compareBytes);
        sorted.putAll(params);
        StringBuilder sb = new StringBuilder();
        sorted.forEach((key, value) -> {
            if (!key.equals(Signer.SIGNATURE)) {
                sb.append(key).append(value);
            }
        });
        sb.append(privateKey.reveal());
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest(sb.toString().getBytes(StandardCharsets.UTF_8));
            return MessageDigest.isEqual(HexFormat.of().formatHex(digest).getBytes(StandardCharsets.US_ASCII),
                    signature.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-1", e);
        }
    }

    private static int compareBytes(String a, String b) {
        return Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    private Map<String, Object> tokenUsage(Map<String, String> params) throws BadParam {
        tokenUsageRequests.increment();
        Series series = new Series(required(params, "KeyId"), required(params, "Model"));
        long start = number(params, "StartTime", null);
        long end = number(params, "EndTime", null);
        if (end < start) {
            throw new BadParam("Params [EndTime] not available: before StartTime");
        }
        Window window = new Window(Instant.ofEpochSecond(start), Instant.ofEpochSecond(end));
        if (window.length().compareTo(opts.maxWindow()) > 0) {
            return envelope(TOKEN_USAGE, 110, "API timeout");
        }
        Map<String, Object> answer = envelope(TOKEN_USAGE, 0, null);
        boolean serves = keys.serve(series);
        if (!serves) {
            emptyAnswers.increment();
        }
        answer.put("Data", serves ? tokenUsageData(series, window) : Map.of());
        return answer;
    }

    /**
     * The {@code Data} of an answer, written by hand: it is most of what the simulator does per request, and building
     * maps for Jackson took most of its CPU (a day is 120 {@code Usages} entries).
     */
    private RawValue tokenUsageData(Series series, Window window) {
        List<SyntheticUsage.Hour> hours = usage.hours(series, window, keys.usageUntil(series, opts.clock().instant()));
        UsageTotals sum = UsageTotals.ZERO;
        for (SyntheticUsage.Hour h : hours) {
            sum = sum.plus(h.totals());
        }
        String model = "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(series.model())) + "\"";
        StringBuilder json = new StringBuilder(160 + hours.size() * (5 * 60 + 5 * model.length()));
        json.append("{\"Total\":").append(sum.totalTokens())
                .append(",\"InTotal\":").append(sum.inputTokens())
                .append(",\"OutTotal\":").append(sum.outputTokens())
                .append(",\"RequestTotal\":").append(sum.requests())
                .append(",\"ImageGenerationNum\":").append(sum.images())
                .append(",\"Usages\":[");
        for (SyntheticUsage.Hour h : hours) {
            long ts = h.hour().getEpochSecond();
            UsageTotals t = h.totals();
            usageEntry(json, "in", t.inputTokens(), ts, model);
            usageEntry(json, "out", t.outputTokens(), ts, model);
            usageEntry(json, "total", t.totalTokens(), ts, model);
            usageEntry(json, "request_count", t.requests(), ts, model);
            usageEntry(json, "image_generation", t.images(), ts, model);
        }
        if (!hours.isEmpty()) {
            json.setLength(json.length() - 1);
        }
        return new RawValue(json.append("]}").toString());
    }

    /** One {@code Usages} entry and a comma; {@code model} is already a quoted JSON string. */
    private static void usageEntry(StringBuilder json, String type, long count, long timestamp, String model) {
        json.append("{\"Type\":\"").append(type).append("\",\"Count\":").append(count)
                .append(",\"Timestamp\":").append(timestamp).append(",\"Model\":").append(model).append("},");
    }

    private Map<String, Object> listKeys(Map<String, String> params) throws BadParam {
        long offset = number(params, "Offset", 0L);
        long limit = number(params, "Limit", 20L);
        if (offset < 0 || limit < 1 || limit > 100) {
            throw new BadParam("Params [Offset, Limit] not available: need Offset >= 0 and 1 <= Limit <= 100");
        }
        List<SimKeys.Key> all = keys.all();
        List<Map<String, Object>> page = all.stream().skip(offset).limit(limit).map(k -> {
            Map<String, Object> key = new LinkedHashMap<>();
            key.put("KeyId", k.id());
            key.put("Name", SimKeys.name(k.id()));
            key.put("Key", keys.secret(k.id()));
            key.put("Status", k.status());
            key.put("CreateTime", opts.clock().instant().getEpochSecond());
            key.put("ExpireTime", k.expireTime());
            key.put("GrantedModels", String.join(",", k.models()));
            key.put("ModelverseDisabled", k.limits().modelverseDisabled() ? 1 : 0);
            key.put("DailyLimitAmount", k.limits().daily().amount().toPlainString());
            key.put("DailyUsedAmount", k.limits().daily().used().toPlainString());
            key.put("MonthlyLimitAmount", k.limits().monthly().amount().toPlainString());
            key.put("MonthlyUsedAmount", k.limits().monthly().used().toPlainString());
            return key;
        }).toList();
        Map<String, Object> answer = envelope(LIST_KEYS, 0, null);
        answer.put("TotalCount", all.size());
        answer.put("Data", page);
        return answer;
    }

    /**
     * {@code UpdateUMInferAPIKey}: changes what it is sent of {@code ModelverseDisabled}, {@code DailyLimitAmount} and
     * {@code MonthlyLimitAmount} (the other fields UCloud takes are accepted and ignored). A key that is now disabled
     * or at a limit has no usage from now on.
     */
    private Map<String, Object> updateKey(Map<String, String> params) throws BadParam {
        String id = required(params, "KeyId");
        SimKeys.Key key = keys.get(id).orElseThrow(() -> new BadParam("Params [KeyId] not available: no API key "
                + id));
        KeyLimits was = key.limits();
        long disabled = number(params, "ModelverseDisabled", was.modelverseDisabled() ? 1L : 0L);
        if (disabled != 0 && disabled != 1) {
            throw new BadParam("Params [ModelverseDisabled] not available: 0 or 1");
        }
        KeyLimits now = new KeyLimits(
                new KeyLimits.Limit(amount(params, "DailyLimitAmount", was.daily().amount()), was.daily().used()),
                new KeyLimits.Limit(amount(params, "MonthlyLimitAmount", was.monthly().amount()), was.monthly().used()),
                disabled == 1);
        keys.put(key.with(now));
        log.info("key {} updated: {}", id, now);
        Map<String, Object> answer = envelope(UPDATE_KEY, 0, null);
        answer.put("UminferID", id);
        return answer;
    }

    private static BigDecimal amount(Map<String, String> params, String name, BigDecimal fallback) throws BadParam {
        String value = params.get(name);
        if (value == null) {
            return fallback;
        }
        try {
            BigDecimal amount = value.isBlank() ? BigDecimal.ZERO : new BigDecimal(value.strip());
            if (amount.signum() < 0) {
                throw new BadParam("Params [" + name + "] not available: negative");
            }
            return amount;
        } catch (NumberFormatException e) {
            throw new BadParam("Params [" + name + "] not available: not an amount");
        }
    }

    private Map<String, Object> listModels(Map<String, String> params) throws BadParam {
        String id = required(params, "KeyId");
        long type = number(params, "ModelType", 1L);
        if (type != 1 && type != 2) {
            throw new BadParam("Params [ModelType] not available: 1 (text generation) or 2 (image generation)");
        }
        SimKeys.Key key = keys.get(id).orElseThrow(() -> new BadParam("Params [KeyId] not available: no API key "
                + id));
        List<Map<String, Object>> models = key.models().stream()
                .filter(m -> SyntheticUsage.isImageModel(m) == (type == 2)).map(m -> {
                    Map<String, Object> model = new LinkedHashMap<>();
                    model.put("Id", "model-" + Math.abs(m.hashCode()));
                    model.put("Name", m.substring(m.indexOf('/') + 1));
                    model.put("ServedModelName", m);
                    return model;
                }).toList();
        Map<String, Object> answer = envelope(LIST_MODELS, 0, null);
        answer.put("Data", models);
        return answer;
    }

    private void stats(HttpExchange exchange) throws IOException {
        try (exchange) {
            exchange.getRequestBody().readAllBytes();
            reply(exchange, 200, "application/json", JSON.writeValueAsString(stats()), Map.of());
        }
    }

    private void control(HttpExchange exchange) throws IOException {
        try (exchange) {
            queueFaults(exchange);
        }
    }

    private void queueFaults(HttpExchange exchange) throws IOException {
        try {
            if (!exchange.getRequestMethod().equals("POST")) {
                reply(exchange, 405, "text/plain", "use POST /_sim/faults?kind=..&count=N[&delayMs=..]\n",
                        Map.of("Allow", "POST"));
                return;
            }
            Map<String, String> params = params(exchange, new LongAdder());
            Optional<Fault.Kind> kind = Fault.Kind.parse(params.getOrDefault("kind", ""));
            if (kind.isEmpty()) {
                reply(exchange, 400, "text/plain", "kind must be one of: " + Fault.Kind.names() + "\n", Map.of());
                return;
            }
            long count = number(params, "count", 1L);
            long delayMs = number(params, "delayMs", Fault.DEFAULT_SLOW.toMillis());
            if (count < 0 || count > 10_000 || delayMs < 0) {
                throw new BadParam("need 0 <= count <= 10000 and delayMs >= 0");
            }
            Fault fault = kind.get() == Fault.Kind.SLOW ? Fault.slow(Duration.ofMillis(delayMs)) : Fault.of(kind.get());
            faults.enqueue(fault, (int) count);
            log.info("queued {} x {} over HTTP", count, fault);
            reply(exchange, 200, "application/json", JSON.writeValueAsString(Map.of("queued", count,
                    "kind", kind.get().wire(), "pending", faults.pending())), Map.of());
        } catch (BadParam e) {
            reply(exchange, 400, "text/plain", e.getMessage() + "\n", Map.of());
        }
    }

    private void keysControl(HttpExchange exchange) throws IOException {
        try (exchange) {
            putKey(exchange);
        }
    }

    /** {@code POST /_sim/keys?id=..[&models=..][&status=..][&expireTime=..]} adds or replaces a key; GET lists. */
    private void putKey(HttpExchange exchange) throws IOException {
        try {
            String method = exchange.getRequestMethod();
            if (method.equals("POST")) {
                Map<String, String> params = params(exchange, new LongAdder());
                String models = params.getOrDefault("models", "");
                KeyLimits limits = new KeyLimits(
                        new KeyLimits.Limit(amount(params, "dailyLimit", BigDecimal.ZERO),
                                amount(params, "dailyUsed", BigDecimal.ZERO)),
                        new KeyLimits.Limit(amount(params, "monthlyLimit", BigDecimal.ZERO),
                                amount(params, "monthlyUsed", BigDecimal.ZERO)),
                        number(params, "disabled", 0L) == 1);
                SimKeys.Key key = new SimKeys.Key(required(params, "id"), (int) number(params, "status", 1L),
                        number(params, "expireTime", -1L),
                        models.isBlank() ? opts.models() : List.of(models.split(",")), limits);
                keys.put(key);
                log.info("key {} put over HTTP", key);
            } else if (!method.equals("GET")) {
                reply(exchange, 405, "text/plain", "use POST /_sim/keys?id=K[&models=m1,m2][&status=1]"
                        + "[&expireTime=-1][&disabled=0][&dailyLimit=100&dailyUsed=96.5][&monthlyLimit=..&monthlyUsed=..],"
                        + " or GET /_sim/keys\n", Map.of("Allow", "GET, POST"));
                return;
            }
            List<Map<String, Object>> listed = keys.all().stream().map(k -> Map.<String, Object>of("id", k.id(),
                    "status", k.status(), "expireTime", k.expireTime(), "models", k.models(), "disabled",
                    k.limits().modelverseDisabled() ? 1 : 0, "dailyLimit", k.limits().daily().amount(), "dailyUsed",
                    k.limits().daily().used(), "monthlyLimit", k.limits().monthly().amount(), "monthlyUsed",
                    k.limits().monthly().used())).toList();
            reply(exchange, 200, "application/json", JSON.writeValueAsString(Map.of("keys", listed)), Map.of());
        } catch (BadParam | IllegalArgumentException e) {
            reply(exchange, 400, "text/plain", e.getMessage() + "\n", Map.of());
        }
    }

    private static Map<String, Object> envelope(String action, int retCode, String message) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("Action", action + "Response");
        m.put("RetCode", retCode);
        if (message != null) {
            m.put("Message", message);
        }
        return m;
    }

    private void reply(HttpExchange exchange, int status, String contentType, String body,
                       Map<String, String> headers) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        if (!exchange.getHttpContext().getPath().startsWith("/_sim")) {
            bytesOut.add(bytes.length);
        }
        exchange.getResponseHeaders().set("Content-Type", contentType + "; charset=utf-8");
        exchange.getResponseHeaders().set(REQUEST_ID, requestId().toString());
        headers.forEach(exchange.getResponseHeaders()::set);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    /**
     * A random (version 4) UUID like UCloud's request ids, from {@link ThreadLocalRandom}: {@link UUID#randomUUID()}
     * draws from one shared SecureRandom, which every simulator thread then waits for.
     */
    private static UUID requestId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long msb = (random.nextLong() & ~0xF000L) | 0x4000L;
        long lsb = (random.nextLong() & ~(0xC000L << 48)) | (0x8000L << 48);
        return new UUID(msb, lsb);
    }

    /**
     * Parameters as UCloud reads them: the query, overlaid by a form or JSON body. A JSON body's empty strings are
     * kept (as a form's are), since a client may have signed them.
     */
    private static Map<String, String> params(HttpExchange exchange, LongAdder bytesRead) throws IOException {
        String query = exchange.getRequestURI().getRawQuery();
        Map<String, String> params = new TreeMap<>(decodeForm(query));
        byte[] raw;
        try (InputStream in = exchange.getRequestBody()) {
            raw = in.readAllBytes();
        }
        bytesRead.add(raw.length + (query == null ? 0 : query.length()));
        String body = new String(raw, StandardCharsets.UTF_8);
        String type = Optional.ofNullable(exchange.getRequestHeaders().getFirst("Content-Type")).orElse("")
                .toLowerCase(Locale.ROOT);
        if (type.contains("json") && !body.isBlank()) {
            try {
                Map<String, Object> json = JSON.readValue(body, new TypeReference<Map<String, Object>>() {
                });
                json.forEach((key, value) -> {
                    if ("".equals(value)) {
                        params.put(key, "");
                    }
                });
                params.putAll(Signer.canonical(json));
            } catch (JsonProcessingException e) {
                // like a missing Action: the envelope will say what is wrong
                log.debug("unreadable JSON body: {}", e.getOriginalMessage());
            }
        } else {
            params.putAll(decodeForm(body));
        }
        return Collections.unmodifiableMap(params);
    }

    private static Map<String, String> decodeForm(String form) {
        Map<String, String> params = new LinkedHashMap<>();
        if (form == null || form.isEmpty()) {
            return params;
        }
        for (String pair : form.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            params.put(URLDecoder.decode(key, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
        }
        return params;
    }

    private static String required(Map<String, String> params, String name) throws BadParam {
        String value = params.get(name);
        if (value == null || value.isEmpty()) {
            throw new BadParam("Missing params [" + name + "]");
        }
        return value;
    }

    private static long number(Map<String, String> params, String name, Long fallback) throws BadParam {
        String value = params.get(name);
        if ((value == null || value.isEmpty()) && fallback != null) {
            return fallback;
        }
        try {
            return Long.parseLong(required(params, name));
        } catch (NumberFormatException e) {
            throw new BadParam("Params [" + name + "] not available: not an integer");
        }
    }

    /** 40 hex digits like a real UCloud private key, the same for the same seed. */
    private static Secret demoPrivateKey(long seed) {
        byte[] key = new byte[20];
        new SplittableRandom(seed).nextBytes(key);
        return new Secret(HexFormat.of().formatHex(key));
    }

    /** A parameter is missing or malformed: UCloud's RetCode 230. */
    private static final class BadParam extends Exception {
        BadParam(String message) {
            super(message, null, false, false);
        }
    }
}

package budgetbot.notify;

import budgetbot.config.Secret;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * What the transports that post JSON over HTTP share (Feishu, DingTalk, WeCom, webhook, PagerDuty): a client of
 * their own, the answer as status and body, and failures whose text names the channel and never a secret.
 */
public final class JsonPost implements AutoCloseable {
    public static final ObjectMapper JSON = new ObjectMapper();
    /** How long a platform may take to answer before the send counts as failed (and is retried). */
    public static final Duration TIMEOUT = Duration.ofSeconds(15);
    private static final MediaType JSON_TYPE = MediaType.get("application/json; charset=utf-8");
    private static final int DETAIL_MAX = 200;
    /** A URL's path or query shorter than this ("/", "/hook") is no token, and masking it would garble messages. */
    private static final int MIN_TOKEN_PART = 8;

    private final String target;
    private final List<String> secrets;
    private final OkHttpClient http;

    /**
     * @param target  names the destination without secrets: "the Feishu bot of channel team"
     * @param secrets every value that must not appear in a failure's text (see {@link #secrets})
     */
    public JsonPost(String target, Collection<Secret> secrets, Duration timeout) {
        this.target = target;
        this.secrets = Redaction.values(secrets);
        this.http = new OkHttpClient.Builder().connectTimeout(timeout).readTimeout(timeout).writeTimeout(timeout)
                .callTimeout(timeout).followRedirects(false)
                // one attempt per send: the outbox retries, with backoff and the platform's Retry-After
                .retryOnConnectionFailure(false).build();
    }

    /** What came back: the HTTP status, the body (empty when none) and Retry-After, if sent. */
    public record Answer(int status, String body, Optional<String> retryAfter) {
        public boolean ok() {
            return status / 100 == 2;
        }

        /** The body as JSON; empty when it is not JSON. */
        public Optional<JsonNode> json() {
            try {
                return Optional.ofNullable(JSON.readTree(body)).filter(JsonNode::isObject);
            } catch (JsonProcessingException e) {
                return Optional.empty();
            }
        }

        /** A whole-number field of the JSON body ({@code code}, {@code errcode}); empty when there is none. */
        public Optional<Long> number(String field) {
            return json().map(j -> j.get(field)).filter(JsonNode::canConvertToLong).map(JsonNode::asLong);
        }
    }

    public String target() {
        return target;
    }

    /**
     * Posts {@code body} to {@code url} with {@code headers}.
     *
     * @throws DeliveryException retryable when no answer came (timeout, refused connection)
     */
    public Answer post(String url, Map<String, String> headers, String body) throws DeliveryException {
        Request.Builder request = new Request.Builder().url(url).post(RequestBody.create(body, JSON_TYPE));
        headers.forEach(request::header);
        try (Response response = http.newCall(request.build()).execute()) {
            ResponseBody answer = response.body();
            return new Answer(response.code(), answer == null ? "" : answer.string(),
                    Optional.ofNullable(response.header("Retry-After")));
        } catch (IOException | RuntimeException e) {
            throw DeliveryException.retryable("could not reach " + target + ": " + scrub(e.getClass().getSimpleName()
                    + ": " + e.getMessage()), Redaction.scrub(e, secrets));
        }
    }

    /** {@link #post} of a JSON object. */
    public Answer post(String url, Map<String, String> headers, ObjectNode body) throws DeliveryException {
        return post(url, headers, body.toString());
    }

    /**
     * A failure that names the channel, says what the platform said (without secrets) and whether a retry may help.
     *
     * @param what       the platform's error in words: "Feishu rejected the signature (19021): check secret and clock"
     * @param retryAfter how long to wait, when the platform says or documents it
     */
    public DeliveryException failure(String what, boolean retryable, Optional<Duration> retryAfter) {
        return new DeliveryException(scrub(what) + " (" + target + ")", retryable, retryAfter.orElse(null), null);
    }

    /**
     * The failure an HTTP status other than 2xx means: 408, 429 and 5xx may pass later (after Retry-After, in
     * seconds, when sent); other statuses will not.
     */
    public DeliveryException httpFailure(String platform, Answer a) {
        boolean retry = a.status() == 408 || a.status() == 429 || a.status() >= 500;
        String body = quote(a.body());
        return failure(platform + " answered HTTP " + a.status() + (body.isEmpty() ? "" : ": " + body), retry,
                retry ? a.retryAfter().flatMap(JsonPost::seconds) : Optional.empty());
    }

    /**
     * The platform's own words for a failure's text: without secrets (a server may quote the request back), then
     * short and on one line, so that cutting never leaves part of a secret.
     */
    public String quote(String platformText) {
        return shorten(scrub(platformText));
    }

    /** Text short and on one line. */
    public static String shorten(String s) {
        String oneLine = s.strip().replaceAll("\\s+", " ");
        return oneLine.length() <= DETAIL_MAX ? oneLine : oneLine.substring(0, DETAIL_MAX) + "…";
    }

    private String scrub(String text) {
        return Redaction.scrub(text, secrets);
    }

    /** A Retry-After header in seconds, as Slack and the webhook receivers send it; empty when it is not one. */
    public static Optional<Duration> seconds(String header) {
        try {
            long s = Long.parseLong(header.trim());
            return s >= 0 ? Optional.of(Duration.ofSeconds(s)) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * A URL that carries a token, the parts of it a library or server might quote alone (its path and query, when
     * long enough to be a token), and the signing secret, if any.
     */
    public static List<Secret> secrets(Secret url, Optional<Secret> signing) {
        List<Secret> out = new ArrayList<>(List.of(url));
        signing.ifPresent(out::add);
        try {
            URI uri = new URI(url.reveal());
            for (String part : new String[]{uri.getRawPath(), uri.getRawQuery()}) {
                if (part != null && part.length() >= MIN_TOKEN_PART) {
                    out.add(new Secret(part));
                }
            }
        } catch (URISyntaxException e) {
            // the loader accepts only valid URLs; and the exception would quote this one
        }
        return out;
    }

    /** HmacSHA256 of {@code message} with {@code key}, as Feishu, DingTalk and the webhook signatures use it. */
    public static byte[] hmacSha256(String key, String message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("every JDK has HmacSHA256", e);
        }
    }

    @Override
    public void close() {
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }
}

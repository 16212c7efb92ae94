package budgetbot.interact;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Slack on a MockWebServer, as far as buttons need it: {@code chat.postMessage} for bots, an incoming webhook, and
 * the {@code response_url}s of clicks ({@code /actions/...}), each answered as Slack answers. What each received is
 * queued in order, for tests to take as it arrives. The answers to {@code response_url}s can be held back.
 */
final class LocalSlack implements AutoCloseable {
    static final String HOOK = "/services/T0TEAM/B0HOOK/hook";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One Web API call or webhook post: the path and its body's fields (a form, or a JSON object). */
    record Post(String path, Map<String, String> form, JsonNode json) {
    }

    private final MockWebServer server = new MockWebServer();
    final BlockingQueue<Post> posts = new LinkedBlockingQueue<>();
    final BlockingQueue<JsonNode> responses = new LinkedBlockingQueue<>();
    private volatile CountDownLatch responseGate = new CountDownLatch(0);

    LocalSlack() {
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                String path = request.getUrl().encodedPath();
                String body = request.getBody() == null ? "" : request.getBody().utf8();
                if (path.startsWith("/actions/")) {
                    try {
                        responseGate.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    responses.add(json(body));
                    return new MockResponse.Builder().code(200).body("ok").build();
                }
                if (path.equals(HOOK)) {
                    posts.add(new Post(path, Map.of(), json(body)));
                    return new MockResponse.Builder().code(200).body("ok").build();
                }
                if (path.equals("/api/chat.postMessage")) {
                    posts.add(new Post(path, form(body), null));
                    return new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json")
                            .body("{\"ok\":true,\"channel\":\"C0LLM\",\"ts\":\"1764900000.000100\"}").build();
                }
                return new MockResponse.Builder().code(404).body("no such path in this Slack: " + path).build();
            }
        });
        try {
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getPort() + path;
    }

    /** The {@code response_url} of a click, unique to it. */
    String responseUrl(String click) {
        return url("/actions/T0TEAM/" + click + "/x1y2z3");
    }

    /** Answers to {@code response_url}s wait until {@link #answerResponses()}. */
    void holdResponses() {
        responseGate = new CountDownLatch(1);
    }

    void answerResponses() {
        responseGate.countDown();
    }

    Post nextPost() throws InterruptedException {
        Post p = posts.poll(30, TimeUnit.SECONDS);
        if (p == null) {
            throw new AssertionError("Slack received no post within 30 s");
        }
        return p;
    }

    JsonNode nextResponse() throws InterruptedException {
        JsonNode r = responses.poll(30, TimeUnit.SECONDS);
        if (r == null) {
            throw new AssertionError("no response_url was answered within 30 s");
        }
        return r;
    }

    static JsonNode json(String body) {
        try {
            return body.isEmpty() ? JSON.nullNode() : JSON.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, String> form(String body) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                fields.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return fields;
    }

    @Override
    public void close() {
        responseGate.countDown();
        server.close();
    }
}

package budgetbot.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slack on a MockWebServer: an incoming webhook and the Web API methods a bot uses, each answering like Slack
 * unless a test scripts other answers first. Records what it answered, so that tests count what was delivered.
 */
final class SlackServer implements AutoCloseable {
    static final String HOOK = "/services/T0E2E/B0E2E/e2e-webhook-SECRET";
    static final String POST_MESSAGE = "/api/chat.postMessage";
    static final String GET_UPLOAD_URL = "/api/files.getUploadURLExternal";
    static final String UPLOAD = "/upload/F0E2E";
    static final String COMPLETE_UPLOAD = "/api/files.completeUploadExternal";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One request and the status it was answered with. */
    record Received(String path, int status, byte[] bytes) {
        boolean delivered() {
            return status / 100 == 2;
        }

        String body() {
            return new String(bytes, StandardCharsets.UTF_8);
        }

        /** The fields of a form-encoded body, as the Web API methods are called. */
        Map<String, String> form() {
            Map<String, String> fields = new LinkedHashMap<>();
            for (String pair : body().split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    fields.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
            return fields;
        }

        /** The {@code text} of a webhook post. */
        String text() {
            try {
                return JSON.readTree(body()).get("text").asText();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private final MockWebServer server = new MockWebServer();
    private final Map<String, MockResponse> usual = new ConcurrentHashMap<>();
    private final Map<String, Deque<MockResponse>> scripted = new ConcurrentHashMap<>();
    private final List<Received> received = new ArrayList<>();

    private SlackServer() {
    }

    static SlackServer start() {
        SlackServer slack = new SlackServer();
        slack.server.setDispatcher(slack.new Answers());
        try {
            slack.server.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        slack.usual.put(HOOK, text(200, "ok"));
        slack.usual.put(POST_MESSAGE, json("{\"ok\":true,\"channel\":\"C0E2E\",\"ts\":\"1.2\"}"));
        slack.usual.put(GET_UPLOAD_URL, json("{\"ok\":true,\"upload_url\":\"" + slack.url(UPLOAD)
                + "\",\"file_id\":\"F0E2E\"}"));
        slack.usual.put(UPLOAD, text(200, "OK"));
        slack.usual.put(COMPLETE_UPLOAD, json("{\"ok\":true,\"files\":[{\"id\":\"F0E2E\"}]}"));
        return slack;
    }

    static MockResponse text(int status, String body) {
        return new MockResponse.Builder().code(status).body(body).build();
    }

    static MockResponse json(String body) {
        return new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json").body(body).build();
    }

    /** {@code path} answers {@code responses} in turn before answering as usual again. */
    void script(String path, MockResponse... responses) {
        scripted.computeIfAbsent(path, p -> new ArrayDeque<>()).addAll(List.of(responses));
    }

    /** An address on 127.0.0.1, which the config accepts over plain http. */
    String url(String path) {
        return "http://127.0.0.1:" + server.getPort() + path;
    }

    List<Received> received(String path) {
        synchronized (received) {
            return received.stream().filter(r -> r.path().equals(path)).toList();
        }
    }

    List<Received> delivered(String path) {
        return received(path).stream().filter(Received::delivered).toList();
    }

    /** The paths of every request so far, in order. */
    List<String> paths() {
        synchronized (received) {
            return received.stream().map(Received::path).toList();
        }
    }

    @Override
    public void close() {
        server.close();
    }

    private final class Answers extends Dispatcher {
        @Override
        public MockResponse dispatch(RecordedRequest request) {
            String path = request.getUrl().encodedPath();
            Deque<MockResponse> queue = scripted.get(path);
            MockResponse answer;
            synchronized (SlackServer.this) {
                answer = queue != null && !queue.isEmpty() ? queue.poll() : usual.get(path);
            }
            if (answer == null) {
                answer = text(404, "no such path in this Slack: " + path);
            }
            byte[] body = request.getBody() == null ? new byte[0] : request.getBody().toByteArray();
            synchronized (received) {
                received.add(new Received(path, answer.getCode(), body));
            }
            return answer;
        }
    }
}

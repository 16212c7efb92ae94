package budgetbot.notify.slack;

import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A Slack stand-in on MockWebServer that answers by request path: each path has a queue of responses, the
 * last of which repeats; unknown paths get a 404 so that an unexpected call fails the test visibly.
 */
final class FakeSlack extends Dispatcher {
    private final Map<String, Deque<MockResponse>> answers = new ConcurrentHashMap<>();
    private final List<RecordedRequest> requests = java.util.Collections.synchronizedList(new ArrayList<>());

    static FakeSlack on(MockWebServer server) {
        FakeSlack fake = new FakeSlack();
        server.setDispatcher(fake);
        return fake;
    }

    FakeSlack answer(String path, MockResponse... responses) {
        answers.put(path, new ArrayDeque<>(List.of(responses)));
        return this;
    }

    static MockResponse json(String body) {
        return new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json").body(body).build();
    }

    static MockResponse status(int code, String body) {
        return new MockResponse.Builder().code(code).body(body).build();
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        requests.add(request);
        Deque<MockResponse> queue = answers.get(request.getUrl().encodedPath());
        if (queue == null) {
            return status(404, "no answer for " + request.getUrl().encodedPath());
        }
        synchronized (queue) {
            return queue.size() > 1 ? queue.poll() : queue.peek();
        }
    }

    List<RecordedRequest> requests(String path) {
        synchronized (requests) {
            return requests.stream().filter(r -> r.getUrl().encodedPath().equals(path)).toList();
        }
    }

    List<RecordedRequest> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }
}

package budgetbot.usage;

import org.slf4j.MDC;

import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The names under which log lines about a fetch carry its rule, API key, model and UCloud request id (SLF4J's
 * MDC: fields of a JSON log line, {@code [rule=..., key=...]} at the end of a text one), and how they follow a
 * fetch onto the threads of a pool.
 */
public final class LogContext {
    public static final String RULE = "rule";
    public static final String KEY = "key";
    public static final String MODEL = "model";
    public static final String REQUEST_ID = "requestId";

    private LogContext() {
    }

    /** {@code task} run with the log context of the thread that calls this, on whatever thread runs it. */
    public static <T> Callable<T> carried(Callable<T> task) {
        Map<String, String> context = MDC.getCopyOfContextMap();
        return () -> {
            Map<String, String> before = MDC.getCopyOfContextMap();
            MDC.setContextMap(context == null ? Map.of() : context);
            try {
                return task.call();
            } finally {
                MDC.setContextMap(before == null ? Map.of() : before);
            }
        };
    }

    /** Puts the series' key and model into the log context until the returned handle is closed. */
    public static Scope series(Series series) {
        MDC.put(KEY, series.keyId());
        MDC.put(MODEL, series.model());
        return () -> {
            MDC.remove(KEY);
            MDC.remove(MODEL);
        };
    }

    /** Ends a {@link #series} context; closing cannot fail. */
    @FunctionalInterface
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }
}

package budgetbot.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Keeps what a test logs off the console and hands it to the test's assertions, so that a test provoking
 * warnings and errors on purpose asserts them instead of printing them. When the test fails, what it logged
 * is printed after all.
 *
 * <pre>{@code @RegisterExtension final CapturedLogs logs = new CapturedLogs();}</pre>
 */
public final class CapturedLogs implements BeforeEachCallback, AfterEachCallback {
    private final Level level;
    private final ListAppender<ILoggingEvent> captured = new ListAppender<>();
    private final List<Appender<ILoggingEvent>> console = new ArrayList<>();
    private Level previous;

    /** Captures at the configured level. */
    public CapturedLogs() {
        this(null);
    }

    private CapturedLogs(Level level) {
        this.level = level;
    }

    /** Captures down to {@code level}, e.g. DEBUG to check that no line at any level shows a secret. */
    public static CapturedLogs atLevel(Level level) {
        return new CapturedLogs(level);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        Logger root = root();
        for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
            console.add(it.next());
        }
        console.forEach(root::detachAppender);
        captured.start();
        root.addAppender(captured);
        previous = root.getLevel();
        if (level != null) {
            root.setLevel(level);
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        Logger root = root();
        root.detachAppender(captured);
        root.setLevel(previous);
        console.forEach(root::addAppender);
        if (context.getExecutionException().isPresent()) {
            events().forEach(e -> console.forEach(a -> a.doAppend(e)));
        }
        console.clear();
    }

    /** What was logged so far; server threads may still be logging, so this is a copy taken under the lock. */
    public List<ILoggingEvent> events() {
        synchronized (captured) {
            return new ArrayList<>(captured.list);
        }
    }

    /** The formatted messages logged at {@code level} by {@code logger}'s class. */
    public List<String> messages(Level level, Class<?> logger) {
        return events().stream().filter(e -> e.getLevel() == level && e.getLoggerName().equals(logger.getName()))
                .map(ILoggingEvent::getFormattedMessage).toList();
    }

    private static Logger root() {
        return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }
}

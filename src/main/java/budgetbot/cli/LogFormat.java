package budgetbot.cli;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import org.slf4j.LoggerFactory;

import java.util.Locale;

/**
 * {@code --log-format}: human-readable lines (the default) or one JSON object per line. Logback has read
 * logback.xml by the time options are parsed, so choosing a format configures it again from that file.
 */
enum LogFormat {
    text, json;

    /** The context property (also read from the environment) that logback.xml picks its appender by. */
    static final String PROPERTY = "BUDGETBOT_LOG_FORMAT";

    void apply() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.reset();
        context.putProperty(PROPERTY, name().toLowerCase(Locale.ROOT));
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        try {
            configurator.doConfigure(LogFormat.class.getResource("/logback.xml"));
        } catch (JoranException e) {
            throw new IllegalStateException("cannot configure logging from logback.xml: " + e.getMessage(), e);
        }
    }
}

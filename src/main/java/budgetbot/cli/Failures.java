package budgetbot.cli;

import budgetbot.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/** Turns exceptions into a message (no stack trace: the message says where) and the contract's exit code. */
final class Failures implements CommandLine.IExecutionExceptionHandler {
    private static final Logger log = LoggerFactory.getLogger(Failures.class);

    @Override
    public int handleExecutionException(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        if (e instanceof ConfigException ce) {
            cl.getErr().println("Configuration error" + (ce.errors().size() > 1 ? "s" : "") + ":");
            ce.errors().forEach(err -> cl.getErr().println("  " + err));
            return Main.CONFIG_ERROR;
        }
        // a failure the code did not expect may have no message; its type then says what happened
        cl.getErr().println("error: " + (e.getMessage() != null ? e.getMessage() : e));
        log.debug("{} failed", cl.getCommandName(), e);
        return 1;
    }
}

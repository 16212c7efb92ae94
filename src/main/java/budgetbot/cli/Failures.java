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
            return Main.INPUT_ERROR;
        }
        if (e instanceof InputException) {
            return inputError(cl, e.getMessage());
        }
        // a failure the code did not expect may have no message; its type then says what happened
        cl.getErr().println("error: " + (e.getMessage() != null ? e.getMessage() : e));
        log.debug("{} failed", cl.getCommandName(), e);
        return Main.FAILURE;
    }

    /** A command line that cannot be run as typed: what is wrong, and where the help is. */
    static int inputError(CommandLine cl, String message) {
        cl.getErr().println("error: " + message);
        cl.getErr().println("See '" + cl.getCommandSpec().qualifiedName() + " --help'.");
        return Main.INPUT_ERROR;
    }
}

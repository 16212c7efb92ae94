package budgetbot.cli;

import budgetbot.config.ConfigException;
import picocli.CommandLine;

/** Turns exceptions into a message (no stack trace: the message says where) and the contract's exit code. */
final class Failures implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        if (e instanceof ConfigException ce) {
            cl.getErr().println("Configuration error" + (ce.errors().size() > 1 ? "s" : "") + ":");
            ce.errors().forEach(err -> cl.getErr().println("  " + err));
            return Main.CONFIG_ERROR;
        }
        cl.getErr().println("error: " + e.getMessage());
        return 1;
    }
}

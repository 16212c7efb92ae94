package budgetbot.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The budgetbot command line: one subcommand per job. Exit codes: 0 ok, 2 configuration error, 1 failure. */
@Command(name = "budgetbot", mixinStandardHelpOptions = true, version = "budgetbot 0.1.0",
        description = "Watches UCloud LLM token usage and warns before the money is gone.",
        subcommands = {ValidateCommand.class, UsageCommand.class, CheckCommand.class, RunCommand.class,
                DigestCommand.class, DemoCommand.class, SimulatorCommand.class, CacheCommand.class, SilenceCommand.class,
                NotifyTestCommand.class,
                CommandLine.HelpCommand.class})
public final class Main {
    public static final int CONFIG_ERROR = 2;

    @Option(names = "--log-format", scope = ScopeType.INHERIT, paramLabel = "FORMAT",
            description = "logs as text (default) or json lines; also BUDGETBOT_LOG_FORMAT")
    void logFormat(LogFormat format) {
        format.apply();
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with budgetbot's exit codes and error messages; {@link #main} runs it and exits. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler(new Failures());
        // 2 is reserved for configuration errors: a mistyped option is an "other failure"
        cl.setParameterExceptionHandler((e, args) -> {
            CommandLine.UnmatchedArgumentException.printSuggestions(e, e.getCommandLine().getErr());
            e.getCommandLine().getErr().println("error: " + e.getMessage());
            e.getCommandLine().getErr().println("See '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
            return 1;
        });
        return cl;
    }
}

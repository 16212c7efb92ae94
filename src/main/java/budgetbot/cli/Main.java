package budgetbot.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

import java.util.Map;

/**
 * The budgetbot command line: one subcommand per job. Exit codes: 0 ok, 2 fix your input (configuration or
 * command line), 1 something failed while running.
 */
@Command(name = "budgetbot", mixinStandardHelpOptions = true, version = "budgetbot 0.1.0",
        description = "Watches UCloud LLM token usage and warns before the money is gone.",
        subcommands = {ValidateCommand.class, UsageCommand.class, CheckCommand.class, RunCommand.class,
                DigestCommand.class, DemoCommand.class, SimulatorCommand.class, CacheCommand.class, SilenceCommand.class, ActionCommand.class,
                NotifyTestCommand.class, BacktestCommand.class, HashPasswordCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    /** The configuration or the command line is wrong: running it again unchanged fails the same way. */
    public static final int INPUT_ERROR = 2;
    /** Something failed while running: a fetch, a delivery, the database. */
    public static final int FAILURE = 1;

    @Spec
    CommandSpec spec;

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
        return commandLine(System.getenv());
    }

    /** As {@link #commandLine()}, reading {@code environment} instead of the process's (tests run it in one JVM). */
    public static CommandLine commandLine(Map<String, String> environment) {
        CommandLine.IFactory defaults = CommandLine.defaultFactory();
        CommandLine.IFactory factory = new CommandLine.IFactory() {
            @Override
            @SuppressWarnings("unchecked")
            public <K> K create(Class<K> type) throws Exception {
                return type == ConfigOption.class ? (K) new ConfigOption(environment) : defaults.create(type);
            }
        };
        CommandLine cl = new CommandLine(new Main(), factory);
        cl.setExecutionExceptionHandler(new Failures());
        cl.setParameterExceptionHandler((e, args) -> {
            CommandLine.UnmatchedArgumentException.printSuggestions(e, e.getCommandLine().getErr());
            return Failures.inputError(e.getCommandLine(), e.getMessage());
        });
        return cl;
    }

    /** {@code budgetbot} alone: a command is missing. */
    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing command: one of "
                + String.join(", ", spec.subcommands().keySet()));
    }
}

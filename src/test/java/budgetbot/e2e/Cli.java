package budgetbot.e2e;

import budgetbot.cli.Main;
import budgetbot.testing.OwnJvm;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs the budgetbot command line as a user would: in this JVM, or as its own process with an environment. */
public final class Cli {
    private static final long PROCESS_TIMEOUT_SECONDS = 60;

    private Cli() {
    }

    /** What one run printed and returned. */
    public record Run(int exit, String out, String err) {
        public String all() {
            return out + err;
        }

        /** Asserts the exit code, showing what was printed when it is not {@code expected}. */
        public Run exits(int expected) {
            assertThat(exit).as("exit code; the run printed:%n%s%s", out, err).isEqualTo(expected);
            return this;
        }
    }

    /**
     * {@code budgetbot args...} in this JVM. The commands print to {@code System.out} and the error handler and
     * logging to {@code System.err}, so both are swapped for the run; tests run one at a time.
     */
    public static Run run(String... args) {
        return run(System.getenv(), args);
    }

    /** As {@link #run(String...)}, with {@code input} on standard input. */
    public static synchronized Run runWithInput(String input, String... args) {
        InputStream oldIn = System.in;
        System.setIn(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));
        try {
            return run(args);
        } finally {
            System.setIn(oldIn);
        }
    }

    /** This process's environment with {@code set} set and {@code unset} removed, for {@link #run(Map, String...)}. */
    public static Map<String, String> environment(Map<String, String> set, Set<String> unset) {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.keySet().removeAll(unset);
        env.putAll(set);
        return env;
    }

    /** As {@link #run(String...)}, the command reading {@code environment} instead of this process's. */
    public static synchronized Run run(Map<String, String> environment, String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            System.setOut(o);
            System.setErr(e);
            exit = Main.commandLine(environment).execute(args);
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /**
     * As {@link #run(Map, String...)} with logging configured from {@code logback} (a resource) for the run: what it
     * logs, from any thread, is in the run's stderr. The tests' own logging is configured again afterwards.
     */
    static synchronized Run run(String logback, Map<String, String> environment, String... args) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        configure(context, Cli.class.getClassLoader().getResource(logback));
        try {
            return run(environment, args);
        } finally {
            configure(context, Cli.class.getClassLoader().getResource("logback-test.xml"));
        }
    }

    private static void configure(LoggerContext context, URL file) {
        context.reset();
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        try {
            configurator.doConfigure(file);
        } catch (JoranException e) {
            throw new IllegalStateException("cannot configure logging from " + file, e);
        }
    }

    /**
     * {@code budgetbot args...} as a new JVM on the test classpath, for what only a process has: its own
     * environment ({@code ${VAR}} in rules.yml reads {@code System.getenv()}) and a real exit.
     *
     * @param set   variables to set
     * @param unset variables not to inherit from this process
     */
    static Run process(Map<String, String> set, Set<String> unset, String... args) {
        try (Running p = start(Optional.empty(), set, unset, List.of(), args)) {
            return p.await();
        }
    }

    /** As {@link #start(Optional, Map, Set, List, String...)} in this directory, with no JVM options. */
    static Running start(Optional<Path> workDir, Map<String, String> set, Set<String> unset, String... args) {
        return start(workDir, set, unset, List.of(), args);
    }

    /** As {@link #start(Optional, Map, Set, List, String...)} in this directory. */
    static Running start(Map<String, String> set, Set<String> unset, List<String> jvmOptions, String... args) {
        return start(Optional.empty(), set, unset, jvmOptions, args);
    }

    /**
     * Starts {@code budgetbot args...} as a new JVM on the test classpath and returns while it runs.
     *
     * @param workDir    the process's working directory; this one's when empty
     * @param jvmOptions options for the JVM, such as {@code -Dlogback.configurationFile=...}
     */
    static Running start(Optional<Path> workDir, Map<String, String> set, Set<String> unset, List<String> jvmOptions,
                         String... args) {
        List<String> command = OwnJvm.java();
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", OwnJvm.classpath(), Main.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        workDir.ifPresent(d -> pb.directory(d.toFile()));
        pb.environment().keySet().removeAll(unset);
        pb.environment().putAll(set);
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            return new Running(p, String.join(" ", args));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A budgetbot process; both pipes are read while it runs. Closing it kills it if it still runs. */
    static final class Running implements AutoCloseable {
        private final Process process;
        private final String args;
        private final StringBuffer out = new StringBuffer();
        private final StringBuffer err = new StringBuffer();
        private final CompletableFuture<Void> outRead;
        private final CompletableFuture<Void> errRead;

        private Running(Process process, String args) {
            this.process = process;
            this.args = args;
            // read both pipes while the process runs, or a chatty process blocks on a full pipe
            this.outRead = CompletableFuture.runAsync(() -> copy(process.getInputStream(), out));
            this.errRead = CompletableFuture.runAsync(() -> copy(process.getErrorStream(), err));
        }

        long pid() {
            return process.pid();
        }

        boolean isAlive() {
            return process.isAlive();
        }

        /** What it wrote to stdout so far. */
        String out() {
            return out.toString();
        }

        /** What it wrote to stderr so far. */
        String err() {
            return err.toString();
        }

        /** Waits for it to end by itself. */
        Run await() {
            try {
                if (!process.waitFor(PROCESS_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new AssertionError("budgetbot " + args + " did not end within " + PROCESS_TIMEOUT_SECONDS
                            + " s; it printed:%n%s%s".formatted(out, err));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
            outRead.join();
            errRead.join();
            return new Run(process.exitValue(), out.toString(), err.toString());
        }

        /** SIGTERM, as a service manager stops it, and waits for its graceful end; what it prints meanwhile is kept. */
        Run stop() {
            // Process.destroy() would also close the pipes the output is read from; the handle only signals
            process.toHandle().destroy();
            return await();
        }

        /** SIGKILL ({@code kill -9}): it ends at once, without a shutdown hook or a last write. */
        Run kill() {
            process.destroyForcibly();
            return await();
        }

        @Override
        public void close() {
            process.destroyForcibly();
        }
    }

    private static void copy(InputStream in, StringBuffer sink) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            char[] buffer = new char[8192];
            int n;
            while ((n = r.read(buffer)) >= 0) {
                sink.append(buffer, 0, n);
            }
        } catch (IOException e) {
            // a killed or stopped process's pipes are closed under the reader: its output ends here
        }
    }
}

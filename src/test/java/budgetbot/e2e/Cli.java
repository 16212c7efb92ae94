package budgetbot.e2e;

import budgetbot.cli.Main;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
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
    public static synchronized Run run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            System.setOut(o);
            System.setErr(e);
            exit = Main.commandLine().execute(args);
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /**
     * {@code budgetbot args...} as a new JVM on the test classpath, for what only a process has: its own
     * environment ({@code ${VAR}} in rules.yml reads {@code System.getenv()}) and a real exit.
     *
     * @param set   variables to set
     * @param unset variables not to inherit from this process
     */
    static Run process(Map<String, String> set, Set<String> unset, String... args) {
        try (Running p = start(Optional.empty(), set, unset, args)) {
            return p.await();
        }
    }

    /**
     * Starts {@code budgetbot args...} as a new JVM on the test classpath and returns at once.
     *
     * @param workDir the process's working directory; this one's when empty
     */
    static Running start(Optional<Path> workDir, Map<String, String> set, Set<String> unset, String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.awt.headless=true", "-cp", classpath(), Main.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        workDir.ifPresent(d -> pb.directory(d.toFile()));
        pb.environment().keySet().removeAll(unset);
        pb.environment().putAll(set);
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            return new Running(String.join(" ", args), p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A budgetbot process; what it prints is collected as it comes. Closing it kills it if it still runs. */
    static final class Running implements AutoCloseable {
        private final String args;
        private final Process process;
        private final StringBuffer out = new StringBuffer();
        private final StringBuffer err = new StringBuffer();
        private final CompletableFuture<Void> outRead;
        private final CompletableFuture<Void> errRead;

        private Running(String args, Process process) {
            this.args = args;
            this.process = process;
            // read both pipes while the process runs, or a chatty process blocks on a full pipe
            outRead = CompletableFuture.runAsync(() -> copy(process.getInputStream(), out));
            errRead = CompletableFuture.runAsync(() -> copy(process.getErrorStream(), err));
        }

        /** What it printed to stdout so far. */
        String out() {
            return out.toString();
        }

        /** Waits for the process to end on its own. */
        Run await() {
            try {
                if (!process.waitFor(PROCESS_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
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

        /** Sends it SIGTERM and waits for it to end; what it prints while stopping is kept. */
        Run stop() {
            // Process.destroy() would also close the pipes the output is read from; the handle only signals
            process.toHandle().destroy();
            return await();
        }

        @Override
        public void close() {
            process.destroyForcibly();
        }
    }

    private static void copy(InputStream in, StringBuffer to) {
        try (Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            char[] buf = new char[4096];
            for (int n; (n = r.read(buf)) >= 0; ) {
                to.append(buf, 0, n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Surefire may start tests from a manifest-only jar; it then keeps the real classpath in a property. */
    private static String classpath() {
        String surefire = System.getProperty("surefire.test.class.path");
        return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
    }
}

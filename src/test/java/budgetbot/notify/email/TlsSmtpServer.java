package budgetbot.notify.email;

import budgetbot.testing.Needs;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real SMTP server that offers STARTTLS and AUTH: Debian's aiosmtpd, run by {@code smtp/tls_auth_server.py}
 * with a self-signed certificate made for the test by openssl. It requires STARTTLS before anything else and
 * accepts AUTH LOGIN and PLAIN for one user, over TLS only. Skips the test when python3-aiosmtpd or openssl is
 * missing, and fails it in CI.
 */
final class TlsSmtpServer implements AutoCloseable {
    static final String USER = "bot";
    private static final String PYTHON = "/usr/bin/python3";
    private static final long START_SECONDS = 30;

    private final Process process;
    private final int port;
    private final Path cert;
    private final Path maildir;
    private final StringBuilder stderr;

    private TlsSmtpServer(Process process, int port, Path cert, Path maildir, StringBuilder stderr) {
        this.process = process;
        this.port = port;
        this.cert = cert;
        this.maildir = maildir;
        this.stderr = stderr;
    }

    /** Starts a server in {@code dir} (certificate, key and received mail go there) for {@link #USER}/{@code password}. */
    static TlsSmtpServer start(Path dir, String password) throws IOException, InterruptedException {
        Needs.that(succeeds(PYTHON, "-c", "import aiosmtpd"),
                PYTHON + " cannot import aiosmtpd: apt-get install python3-aiosmtpd");
        Needs.that(succeeds("openssl", "version"), "openssl is missing: apt-get install openssl");
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        Path maildir = Files.createDirectories(dir.resolve("received"));
        // a day is enough; the subject alternative name is what the client checks against 127.0.0.1
        run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
                "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                "-keyout", key.toString(), "-out", cert.toString());
        Path script = dir.resolve("tls_auth_server.py");
        try (InputStream in = TlsSmtpServer.class.getResourceAsStream("/smtp/tls_auth_server.py")) {
            Files.copy(in, script);
        }
        Process p = new ProcessBuilder(PYTHON, script.toString(), cert.toString(), key.toString(), maildir.toString(),
                USER, password).start();
        StringBuilder stderr = new StringBuilder();
        CompletableFuture.runAsync(() -> drain(p.getErrorStream(), stderr));
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> ready = CompletableFuture.supplyAsync(() -> readLine(out));
        String line;
        try {
            line = ready.get(START_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
            p.destroyForcibly();
            throw new IllegalStateException("aiosmtpd did not start: " + e + "; stderr: " + stderr, e);
        }
        if (line == null || !line.startsWith("READY ")) {
            p.destroyForcibly();
            throw new IllegalStateException("aiosmtpd did not start: " + line + "; stderr: " + stderr);
        }
        return new TlsSmtpServer(p, Integer.parseInt(line.substring("READY ".length()).trim()), cert, maildir, stderr);
    }

    int port() {
        return port;
    }

    /** Sockets that trust this server's certificate and nothing else, for one mail session. */
    SSLSocketFactory trustingSocketFactory() throws IOException, GeneralSecurityException {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(cert)) {
            trust.setCertificateEntry("test-smtp", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, tmf.getTrustManagers(), null);
        return tls.getSocketFactory();
    }

    /** The raw messages received so far, oldest first. */
    List<String> received() throws IOException {
        List<String> mails = new ArrayList<>();
        try (Stream<Path> files = Files.list(maildir)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".eml")).sorted().toList()) {
                mails.add(Files.readString(f, StandardCharsets.UTF_8));
            }
        }
        return mails;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        process.getOutputStream().close();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    @Override
    public String toString() {
        return "aiosmtpd on 127.0.0.1:" + port + " (stderr: " + stderr + ")";
    }

    private static boolean succeeds(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getInputStream().transferTo(OutputStream.nullOutputStream());
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
        }
    }

    private static String readLine(BufferedReader in) {
        try {
            return in.readLine();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void drain(InputStream in, StringBuilder sink) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                synchronized (sink) {
                    sink.append(line).append('\n');
                }
            }
        } catch (IOException e) {
            // the process ended
        }
    }
}

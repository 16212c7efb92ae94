package budgetbot.notify.email;

import org.subethamail.smtp.auth.EasyAuthenticationHandlerFactory;
import org.subethamail.smtp.auth.LoginFailedException;
import org.subethamail.smtp.server.SMTPServer;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real SMTP server that offers STARTTLS and AUTH, inside the test's JVM: SubEtha SMTP with a self-signed
 * certificate that the JDK's keytool makes for the test. It requires STARTTLS before anything else and accepts AUTH
 * LOGIN and PLAIN for one user, over TLS only. Nothing needs to be installed.
 */
final class TlsSmtpServer implements AutoCloseable {
    static final String USER = "bot";
    private static final char[] STORE_PASSWORD = "test-store".toCharArray();

    private final SMTPServer server;
    private final KeyStore keys;
    private final List<String> received;

    private TlsSmtpServer(SMTPServer server, KeyStore keys, List<String> received) {
        this.server = server;
        this.keys = keys;
        this.received = received;
    }

    /** Starts a server (its key store in {@code dir}) for {@link #USER}/{@code password}. */
    static TlsSmtpServer start(Path dir, String password) throws IOException, GeneralSecurityException {
        KeyStore keys = selfSigned(dir.resolve("smtp-test.p12"));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, STORE_PASSWORD);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), null, null);
        List<String> received = new ArrayList<>();
        SMTPServer server = SMTPServer.port(0).bindAddress(InetAddress.getLoopbackAddress())
                .hostName("budgetbot-test-smtp")
                .messageHandler((context, from, to, data) -> {
                    synchronized (received) {
                        received.add(new String(data, StandardCharsets.UTF_8));
                    }
                })
                .enableTLS().requireTLS().startTlsSocketFactory(tls)
                .requireAuth().authenticationHandlerFactory(new EasyAuthenticationHandlerFactory((user, pass, ctx) -> {
                    if (!USER.equals(user) || !password.equals(pass)) {
                        throw new LoginFailedException();
                    }
                }))
                .build();
        server.start();
        return new TlsSmtpServer(server, keys, received);
    }

    int port() {
        return server.getPortAllocated();
    }

    /** Sockets that trust this server's certificate and nothing else, for one mail session. */
    SSLSocketFactory trustingSocketFactory() throws GeneralSecurityException, IOException {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        trust.setCertificateEntry("test-smtp", keys.getCertificate("smtp"));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, tmf.getTrustManagers(), null);
        return tls.getSocketFactory();
    }

    /** The raw messages received so far, oldest first. */
    List<String> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    @Override
    public void close() {
        server.stop();
    }

    @Override
    public String toString() {
        return "SubEtha SMTP on 127.0.0.1:" + port();
    }

    /** A key pair and certificate for 127.0.0.1 and localhost, valid for a day, made by the JDK's keytool. */
    private static KeyStore selfSigned(Path file) throws IOException, GeneralSecurityException {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "smtp", "-keyalg", "RSA",
                "-keysize", "2048", "-validity", "1", "-dname", "CN=localhost",
                "-ext", "san=ip:127.0.0.1,dns:localhost", "-storetype", "PKCS12", "-keystore", file.toString(),
                "-storepass", new String(STORE_PASSWORD)).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("keytool failed: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            keys.load(in, STORE_PASSWORD);
        }
        return keys;
    }
}

package budgetbot.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The operator's surface locked: basic auth with htpasswd's bcrypt hashes for the status page and /metrics, a
 * /healthz that tells a stranger only the status, safe headers on every answer, and HTTPS from PEM files that are
 * read again when renewed.
 */
class ServerSecurityTest {
    /** {@code htpasswd -nbB -C 4 ops s3cret}: Apache's $2y$ variant. */
    static final String HTPASSWD_HASH = "$2y$04$Zd3LsY9z1Azfq.BazuSUaOtgQ/JdOyiY11M4PhlR8DGOGU3YZ42vm";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    Ops ops;

    @AfterEach
    void stop() {
        if (ops != null) {
            ops.close();
        }
    }

    @Test
    void thePageAndMetricsNeedAUserOfServerUsersAndHealthzTellsAStrangerOnlyTheStatus() throws Exception {
        ops = new Ops(dir, "[" + Ops.PROD + "]", ", users: { ops: \"" + HTPASSWD_HASH + "\" }");
        ops.cycle();

        for (String path : List.of("/", "/metrics")) {
            HttpResponse<String> none = ops.get(path);
            assertThat(none.statusCode()).as("%s without credentials", path).isEqualTo(401);
            assertThat(none.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v ->
                    assertThat(v).startsWith("Basic realm=\"budgetbot\""));
            assertThat(none.body()).doesNotContain(Ops.PROD);
            assertThat(get(path, "ops", "wrong").statusCode()).as("%s with a wrong password", path).isEqualTo(401);
            assertThat(get(path, "nobody", "s3cret").statusCode()).as("%s as an unknown user", path).isEqualTo(401);
            assertThat(get(path, "ops", "s3cret").statusCode()).as("%s logged in", path).isEqualTo(200);
        }

        HttpResponse<String> stranger = ops.get("/healthz");
        assertThat(stranger.statusCode()).isEqualTo(200);
        JsonNode brief = JSON.readTree(stranger.body());
        assertThat(brief.path("status").asText()).isEqualTo("ok");
        assertThat(brief.size()).as("nothing but the status").isEqualTo(1);
        assertThat(stranger.body()).doesNotContain(Ops.PROD, "prod-daily");
        assertThat(JSON.readTree(get("/healthz", "ops", "s3cret").body()).path("rules").get(0).path("rule").asText())
                .isEqualTo("prod-daily");

        String metrics = get("/metrics", "ops", "s3cret").body();
        assertThat(PrometheusText.parse(metrics).value("budgetbot_server_login_failures_total", Map.of()))
                .as("the wrong password, the unknown user, each on two pages").contains(4.0);
    }

    @Test
    void everyAnswerCarriesSafeHeadersAndOnlyGetIsServed() throws Exception {
        ops = new Ops(dir);
        for (String path : List.of("/", "/metrics", "/healthz", "/nothing")) {
            HttpResponse<String> r = ops.get(path);
            assertThat(r.headers().firstValue("Content-Security-Policy")).as(path).hasValueSatisfying(v ->
                    assertThat(v).contains("default-src 'none'").doesNotContain("script-src"));
            assertThat(r.headers().firstValue("X-Content-Type-Options")).as(path).contains("nosniff");
            assertThat(r.headers().firstValue("Referrer-Policy")).as(path).contains("no-referrer");
            assertThat(r.headers().firstValue("Cache-Control")).as(path).contains("no-store");
        }
        HttpResponse<String> post = ops.send(HttpRequest.newBuilder(URI.create(ops.url("/")))
                .POST(HttpRequest.BodyPublishers.ofString("x".repeat(100_000))).build());
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(ops.get("/").body()).as("a loopback server warns of nothing").doesNotContain("server.users");
    }

    @Test
    void thePageOfAServerOpenToTheNetworkWithoutUsersSaysSoAsABanner() throws Exception {
        ops = new Ops(dir, "[" + Ops.PROD + "]", "0.0.0.0", "");

        assertThat(ops.get("/").body()).contains("id=\"open\"", "is reachable from other machines and server.users is"
                + " not set");
    }

    @Test
    void httpsFromPemFilesServesARenewedCertificateWithoutARestart() throws Exception {
        Path cert = dir.resolve("tls.crt");
        Path key = dir.resolve("tls.key");
        X509Certificate first = pem(selfSigned("first"), cert, key);
        ops = new Ops(dir.resolve("bot"), "[" + Ops.PROD + "]",
                ", tls: { certFile: \"" + cert + "\", keyFile: \"" + key + "\" }");

        assertThat(presented(first).serverCertificateSerial).isEqualTo(first.getSerialNumber());

        Thread.sleep(1100); // a new modification time: file systems keep seconds, some only those
        X509Certificate second = pem(selfSigned("second"), cert, key);
        assertThat(presented(second).serverCertificateSerial).as("the renewed one, same process")
                .isEqualTo(second.getSerialNumber());
    }

    private HttpResponse<String> get(String path, String user, String password) {
        String basic = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        return ops.send(HttpRequest.newBuilder(URI.create(ops.url(path))).header("Authorization", "Basic " + basic)
                .GET().build());
    }

    /** What the server presented to a client that trusts only {@code expected}. */
    private Presented presented(X509Certificate expected) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        trust.setCertificateEntry("server", expected);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, tmf.getTrustManagers(), null);
        HttpClient http = HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(10)).build();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("https://localhost:"
                + ops.server.address().replaceAll(".*:", "") + "/healthz")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        X509Certificate served = (X509Certificate) r.sslSession().orElseThrow().getPeerCertificates()[0];
        return new Presented(served.getSerialNumber());
    }

    private record Presented(java.math.BigInteger serverCertificateSerial) {
    }

    /** A key pair and a certificate for localhost from the JDK's keytool, in a PKCS#12 store. */
    private KeyStore selfSigned(String name) throws Exception {
        Path store = dir.resolve(name + ".p12");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "tls", "-keyalg", "RSA", "-keysize", "2048", "-validity", "1",
                "-dname", "CN=localhost", "-ext", "san=dns:localhost,ip:127.0.0.1", "-storetype", "PKCS12",
                "-keystore", store.toString(), "-storepass", "changeit").redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0).as(output).isTrue();
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(store)) {
            keys.load(in, "changeit".toCharArray());
        }
        return keys;
    }

    /** Writes the store's certificate and PKCS#8 key as PEM files, as a CA's tooling would. */
    private static X509Certificate pem(KeyStore keys, Path cert, Path key) throws Exception {
        X509Certificate c = (X509Certificate) keys.getCertificate("tls");
        Base64.Encoder mime = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));
        Files.writeString(cert, "-----BEGIN CERTIFICATE-----\n" + mime.encodeToString(c.getEncoded())
                + "\n-----END CERTIFICATE-----\n");
        // the PEM label in two pieces: a secret scanner takes the whole one for a committed key
        String label = "PRIVATE" + " KEY";
        Files.writeString(key, "-----BEGIN " + label + "-----\n"
                + mime.encodeToString(keys.getKey("tls", "changeit".toCharArray()).getEncoded())
                + "\n-----END " + label + "-----\n");
        return c;
    }
}

package budgetbot.notify.email;

import budgetbot.config.ChannelConfig;
import budgetbot.config.Secret;
import budgetbot.config.SmtpConfig;
import budgetbot.testing.DeliveryProbe;
import ch.qos.logback.classic.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

/**
 * The SMTP fault matrix: each way a relay can fail, played by a real server on loopback (a closed port, a server
 * that never answers, {@link ScriptedSmtpServer}'s 4xx and 5xx replies, SubEtha SMTP with STARTTLS and AUTH, in this JVM), sent
 * through the real outbox and dispatcher. A failure that may pass is tried again after the backoff; one that
 * will not is kept, logged as an error and tried hourly, never hammered.
 */
class SmtpFaultMatrixTest {
    private static final String CHANNEL = "ops-mail";
    private static final String PASSWORD = "smtp-matrix-SECRET";
    private static final Duration BACKOFF = Duration.ofSeconds(30);
    private static final Duration HOURLY = Duration.ofHours(1);
    /** The slow server's row waits this long for a reply instead of the production 30 s. */
    private static final int SHORT_TIMEOUT_MILLIS = 1000;

    @TempDir
    static Path shared;
    /** Started by the first row that needs it: key generation and Python take a moment. */
    private static TlsSmtpServer tls;

    @TempDir
    Path dir;
    private final Deque<AutoCloseable> servers = new ArrayDeque<>();

    @AfterEach
    void stopServers() throws Exception {
        for (AutoCloseable s : servers) {
            s.close();
        }
    }

    @AfterAll
    static void stopTls() throws Exception {
        if (tls != null) {
            tls.close();
        }
    }

    /** How a row gets its notifier; it may start a server, which {@link #serve} closes after the row. */
    @FunctionalInterface
    interface Relay {
        EmailNotifier start(SmtpFaultMatrixTest test) throws Exception;
    }

    static Stream<Arguments> faults() {
        return Stream.of(
                argumentSet("server down: connection refused", (Relay) t -> t.plain(closedPort(), Optional.empty()),
                        BACKOFF, Level.WARN, "cannot connect to the SMTP server of channel ops-mail"),
                argumentSet("slow server: no greeting within the timeout", (Relay) t -> t.plain(t.silentPort(),
                                Optional.of(SHORT_TIMEOUT_MILLIS)),
                        BACKOFF, Level.WARN, "talking to the SMTP server of channel ops-mail"),
                argumentSet("421 to MAIL FROM", (Relay) t -> t.scripted("MAIL", "421 4.3.2 shutting down"),
                        BACKOFF, Level.WARN, "replied 421"),
                argumentSet("451 to RCPT TO", (Relay) t -> t.scripted("RCPT", "451 4.3.0 mailbox busy"),
                        BACKOFF, Level.WARN, "replied 451"),
                argumentSet("452 after the data", (Relay) t -> t.scripted("DATA.", "452 4.3.1 insufficient storage"),
                        BACKOFF, Level.WARN, "replied 452"),
                argumentSet("550 to RCPT TO", (Relay) t -> t.scripted("RCPT", "550 5.1.1 no such user"),
                        HOURLY, Level.ERROR, "replied 550"),
                argumentSet("554 after the data", (Relay) t -> t.scripted("DATA.", "554 5.7.1 rejected as spam"),
                        HOURLY, Level.ERROR, "replied 554"),
                argumentSet("STARTTLS: certificate the JVM does not trust", (Relay) t -> t.tls(true, PASSWORD, false),
                        HOURLY, Level.ERROR, "is not trusted: unable to find valid certification path"),
                argumentSet("STARTTLS: wrong password", (Relay) t -> t.tls(true, "wrong-password", true),
                        HOURLY, Level.ERROR, "refused the login: 535"),
                argumentSet("no STARTTLS to a server that requires it", (Relay) t -> t.tls(false, PASSWORD, true),
                        HOURLY, Level.ERROR, "replied 530"));
    }

    @ParameterizedTest
    @MethodSource("faults")
    void eachFaultIsRetriedOrKeptAsItDeserves(Relay relay, Duration retryIn, Level logged, String error)
            throws Exception {
        try (DeliveryProbe probe = DeliveryProbe.open(dir, CHANNEL, relay.start(this))) {
            DeliveryProbe.Attempt first = probe.firstAttempt();

            assertThat(first.delivered()).isFalse();
            assertThat(first.sends()).as("one try per drain").isEqualTo(1);
            assertThat(first.nextIn()).contains(retryIn);
            assertThat(first.logged()).contains(logged);
            assertThat(first.error()).hasValueSatisfying(e -> assertThat(e).contains(error, "channel " + CHANNEL)
                    .doesNotContain(PASSWORD));
            probe.assertTriedAgainOnlyAfter(retryIn);
        }
    }

    @ParameterizedTest(name = "AUTH {0}")
    @ValueSource(strings = {"LOGIN", "PLAIN"})
    void startTlsAndAuthAgainstARealServerDeliver(String mechanism) throws Exception {
        EmailNotifier notifier = tls(true, PASSWORD, true, mechanism);

        try (DeliveryProbe probe = DeliveryProbe.open(dir, CHANNEL, notifier)) {
            assertThat(probe.firstAttempt().delivered()).isTrue();
        }

        assertThat(tls.received()).last().asString().contains("Subject: [budgetbot] probe: 80% of daily budget",
                "To: a@example.com");
    }

    private EmailNotifier plain(int port, Optional<Integer> timeoutMillis) {
        SmtpConfig smtp = new SmtpConfig("127.0.0.1", port, Optional.empty(), Optional.empty(), false, false);
        Properties session = EmailNotifier.sessionProperties(smtp);
        timeoutMillis.ifPresent(t -> session.setProperty("mail.smtp.timeout", Integer.toString(t)));
        return EmailNotifier.create(channel(smtp), clock(), session);
    }

    private EmailNotifier scripted(String command, String reply) throws IOException {
        return plain(serve(ScriptedSmtpServer.refusing(command, reply)).port(), Optional.empty());
    }

    /** A port that accepts connections (the kernel's backlog does) and never says a word. */
    private int silentPort() throws IOException {
        return serve(new ServerSocket(0, 5, InetAddress.getLoopbackAddress())).getLocalPort();
    }

    private EmailNotifier tls(boolean starttls, String password, boolean trusted) throws Exception {
        return tls(starttls, password, trusted, null);
    }

    /** Logs in as the TLS server's user; {@code trusted}: with a socket factory that trusts its certificate. */
    private EmailNotifier tls(boolean starttls, String password, boolean trusted, String mechanism) throws Exception {
        synchronized (SmtpFaultMatrixTest.class) {
            if (tls == null) {
                tls = TlsSmtpServer.start(shared, PASSWORD);
            }
        }
        SmtpConfig smtp = new SmtpConfig("127.0.0.1", tls.port(), Optional.of(TlsSmtpServer.USER),
                Optional.of(new Secret(password)), starttls, false);
        Properties session = EmailNotifier.sessionProperties(smtp);
        if (trusted) {
            session.put("mail.smtp.ssl.socketFactory", tls.trustingSocketFactory());
        }
        if (mechanism != null) {
            session.setProperty("mail.smtp.auth.mechanisms", mechanism);
        }
        return EmailNotifier.create(channel(smtp), clock(), session);
    }

    private <T extends AutoCloseable> T serve(T server) {
        servers.push(server);
        return server;
    }

    private static ChannelConfig.Email channel(SmtpConfig smtp) {
        return new ChannelConfig.Email(CHANNEL, smtp, "bot@example.com", List.of("a@example.com"));
    }

    private static Clock clock() {
        return Clock.fixed(DeliveryProbe.T0, ZoneOffset.UTC);
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}

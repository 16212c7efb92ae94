package budgetbot.e2e;

import budgetbot.simulator.Simulator;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A budgetbot installation for check and digest tests: bot.yml pointing at the simulator, at Slack on a
 * MockWebServer and at an SMTP port on which GreenMail runs only while a test wants mail to arrive.
 */
final class Bot implements AutoCloseable {
    static final String TEAM_SLACK = "team-slack";
    static final String FINANCE_EMAIL = "finance-email";
    static final String SUBJECT_PREFIX = "[budgetbot] ";

    final Simulator sim;
    final SlackServer slack;
    final Path config;
    private final int smtpPort;
    private final List<GreenMail> mailServers = new ArrayList<>();
    private GreenMail mail;

    private Bot(Simulator sim, SlackServer slack, int smtpPort, Path config) {
        this.sim = sim;
        this.slack = slack;
        this.smtpPort = smtpPort;
        this.config = config;
    }

    /** Writes {@code dir/rules.yml} and its H2 database lives in {@code dir/state}; the SMTP server is not up yet. */
    static Bot install(Path dir) {
        return install(dir, "bot.yml");
    }

    /** As {@link #install(Path)}, from the template {@code /e2e/<template>} with bot.yml's placeholders. */
    static Bot install(Path dir, String template) {
        Simulator sim = Scenario.simulator();
        SlackServer slack = SlackServer.start();
        int smtpPort = freePort();
        Map<String, String> values = new HashMap<>(Scenario.ucloud(sim));
        values.put("STATE_URL", "jdbc:h2:file:" + dir.resolve("state").resolve("budgetbot").toAbsolutePath());
        values.put("WEBHOOK_URL", slack.url(SlackServer.HOOK));
        values.put("SLACK_API_URL", slack.url("/api/"));
        values.put("SMTP_PORT", Integer.toString(smtpPort));
        return new Bot(sim, slack, smtpPort, Scenario.config(dir, template, values));
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code budgetbot command --config rules.yml args...} in this JVM. */
    Cli.Run run(String command, String... args) {
        List<String> all = new ArrayList<>(List.of(command, "--config", config.toString()));
        all.addAll(List.of(args));
        return Cli.run(all.toArray(String[]::new));
    }

    void startMail() {
        mail = new GreenMail(new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        mail.start();
        mailServers.add(mail);
    }

    void stopMail() {
        mail.stop();
    }

    /** Every mail received by any SMTP server this bot had, oldest first. */
    List<MimeMessage> mails() {
        return mailServers.stream().flatMap(m -> Arrays.stream(m.getReceivedMessages())).toList();
    }

    static String subject(MimeMessage m) {
        try {
            return m.getSubject();
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The text/plain alternative of a mail. */
    static String text(MimeMessage m) {
        try {
            return (String) ((Multipart) m.getContent()).getBodyPart(0).getContent();
        } catch (MessagingException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        mailServers.forEach(GreenMail::stop);
        slack.close();
        sim.close();
    }
}

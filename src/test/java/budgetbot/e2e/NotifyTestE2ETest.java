package budgetbot.e2e;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code notify-test}: a test message through the real channel, and an honest answer. */
class NotifyTestE2ETest {
    @TempDir
    Path dir;

    Bot bot;

    @BeforeEach
    void install() {
        bot = Bot.install(dir);
    }

    @AfterEach
    void uninstall() {
        bot.close();
    }

    @Test
    void aWorkingSlackWebhookGetsAMarkedTestMessage() {
        Cli.Run run = bot.run("notify-test", "--channel", Bot.TEAM_SLACK).exits(0);

        assertThat(run.out()).isEqualTo("OK: test message delivered to channel team-slack (slack)\n");
        assertThat(bot.slack.delivered(SlackServer.HOOK)).singleElement()
                .satisfies(r -> assertThat(r.text()).startsWith("TEST: channel team-slack works\n\nThis is a test message"));
    }

    @Test
    void mailIsTestedAgainstTheRealSmtpServerAndAFailureExitsOne() {
        Cli.Run down = bot.run("notify-test", "--channel", Bot.FINANCE_EMAIL).exits(1);
        assertThat(down.out()).startsWith("FAILED: test message to channel finance-email (email) was not delivered: ")
                .contains("the outbox would retry it");

        bot.startMail();
        bot.run("notify-test", "--channel", Bot.FINANCE_EMAIL).exits(0);

        assertThat(bot.mails()).singleElement().satisfies(m -> {
            assertThat(Bot.subject(m)).isEqualTo(Bot.SUBJECT_PREFIX + "TEST: channel finance-email works");
            assertThat(Bot.text(m)).contains("This is a test message from budgetbot");
        });
    }

    @Test
    void aSlackAnswerThatARetryCannotFixSaysSo() {
        bot.slack.script(SlackServer.HOOK, SlackServer.text(404, "no_service"));

        Cli.Run run = bot.run("notify-test", "--channel", Bot.TEAM_SLACK).exits(1);

        assertThat(run.out()).contains("FAILED", "a retry will not help");
    }

    @Test
    void anUnknownChannelIsNamedWithTheDefinedOnes() {
        assertThat(bot.run("notify-test", "--channel", "teams").exits(2).err())
                .contains("no channel named 'teams'", "team-slack");
    }
}

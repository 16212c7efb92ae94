package budgetbot.e2e;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The H2 file held by another process: {@code check} opens the state while {@code run} holds it (H2's AUTO_SERVER
 * lets the second process in through the first), and every alert is delivered once although both drain the outbox.
 */
class SharedStateE2ETest {
    private static final String AFTERNOON = Scenario.arg(Scenario.at("2026-11-20T15:00"));

    @TempDir
    Path dir;

    @Test
    void aCheckWorksWhileRunHoldsTheH2FileAndEachAlertIsSentOnce() {
        try (Bot bot = Bot.install(dir)) {
            // the rules' default cron fires every five minutes of the wall clock: a fire between run's start and the
            // check would evaluate as of now, and the check as of an earlier moment would then be refused
            rewrite(bot.config, "    notify: [team-slack", "    schedule: \"0 0 0 1 1 ? 2099\"\n    notify: [team-slack");
            bot.startMail();
            Cli.Running run = Cli.start(Map.of(), Set.of(), List.of(), "run", "--config", bot.config.toString(),
                    "--outbox-interval", "1", "--reload-interval", "0");
            try {
                await().atMost(Duration.ofSeconds(60)).failFast(() -> !run.isAlive())
                        .until(() -> Files.exists(dir.resolve("state/budgetbot.lock.db")));

                Cli.Run check = Cli.process(Map.of(), Set.of(), "check", "--config", bot.config.toString(),
                        "--at", AFTERNOON).exits(0);

                assertThat(check.out()).contains("prod-daily: ", "prod-growth: ").doesNotContain("FAILED");
                // what the check left (or run took from it) goes out with run's next drains
                await().atMost(Duration.ofSeconds(30)).until(() -> alerts(posts(bot)).size() >= 2
                        && alerts(bot.mails().stream().map(Bot::subject).toList()).size() >= 1);
                assertThat(run.isAlive()).as("run kept going; its log:%n%s", run.err()).isTrue();
            } finally {
                run.stop();
            }
            // run sends no digest: the day before ended before this new installation's first start
            assertThat(posts(bot)).doesNotHaveDuplicates();
            assertThat(alerts(posts(bot))).hasSize(2);
            List<String> subjects = bot.mails().stream().map(Bot::subject).toList();
            assertThat(subjects).doesNotHaveDuplicates();
            assertThat(alerts(subjects)).hasSize(1);
        }
    }

    private static void rewrite(Path file, String target, String replacement) {
        try {
            String yaml = Files.readString(file);
            assertThat(yaml).contains(target);
            Files.writeString(file, yaml.replace(target, replacement));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static List<String> posts(Bot bot) {
        return bot.slack.delivered(SlackServer.HOOK).stream().map(SlackServer.Received::text).toList();
    }

    private static List<String> alerts(List<String> texts) {
        return texts.stream().filter(t -> !t.contains("daily-summary")).toList();
    }
}

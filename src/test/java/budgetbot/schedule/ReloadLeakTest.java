package budgetbot.schedule;

import budgetbot.app.App;
import budgetbot.app.Checker;
import budgetbot.config.Secret;
import budgetbot.notify.slack.SlackWebhookNotifier;
import budgetbot.testing.OwnJvm;
import budgetbot.ucloud.UCloudClient;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import static budgetbot.schedule.TestBot.NEVER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code run} reloads for months: each reload opens a new app (UCloud client, Slack client, database pool,
 * scheduler) and must release every thread of the old one. The reloads run in a JVM of their own, where every
 * live thread is theirs.
 */
class ReloadLeakTest {
    private static final int RELOADS = 20;
    /** Pools wind down asynchronously and the JVM starts a helper thread now and then. */
    private static final int TOLERANCE = 3;

    @TempDir
    Path dir;

    @Test
    void twentyReloadsInARunningSchedulerLeaveTheThreadCountFlat() {
        OwnJvm.Result reloads = OwnJvm.run(ReloadLeakTest.class, Duration.ofMinutes(3), dir.toString());

        assertThat(reloads.exit()).as("the reloads in their own JVM printed:%n%s", reloads.output()).isZero();
        assertThat(reloads.output()).contains("live threads after " + RELOADS + " reloads");
    }

    /** The reloads, in a JVM of their own: exits 0 when the thread count stayed flat, fails otherwise. */
    public static void main(String[] args) throws Exception {
        try {
            reloads(Path.of(args[0]));
        } catch (Throwable e) {
            e.printStackTrace();
            System.exit(1);
        }
        System.exit(0);
    }

    private static void reloads(Path dir) throws Exception {
        try (MockWebServer slack = new MockWebServer();
             TestBot bot = TestBot.inMemory(dir, ConfigWatchTest.MORNING).write(NEVER, NEVER, "batch0")) {
            for (int i = 0; i < RELOADS + 2; i++) {
                slack.enqueue(new MockResponse.Builder().body("ok").build());
            }
            slack.start();
            Secret webhook = new Secret(slack.url("/services/T0/B0/leak").toString());
            try (ConfigWatch watch = ConfigWatch.start(bot.file, bot::load, cfg -> {
                UCloudClient ucloud = UCloudClient.create(cfg.ucloud(), cfg.calendar().zone());
                return App.open(cfg, ucloud, ucloud, Map.of("ops", SlackWebhookNotifier.create("ops", webhook)),
                        bot.clock);
            }, Duration.ofSeconds(15))) {
                // a first cycle starts the JVM-wide threads (OkHttp's task runner, H2's) that every app shares
                cycle(watch, bot, 1);
                int before = threads();

                for (int i = 2; i < RELOADS + 2; i++) {
                    cycle(watch, bot, i);
                }

                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(slack.getRequestCount())
                        .as("each app posted to Slack").isEqualTo(RELOADS + 1));
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(threads())
                        .as("live threads after %d reloads, were %d before:%n%s", RELOADS, before, names())
                        .isLessThanOrEqualTo(before + TOLERANCE));
                System.out.printf("live threads after %d reloads: %d, were %d before%n", RELOADS, threads(), before);
            }
        }
    }

    /** Rewrites the config with a new rule, reloads, and fetches and delivers through the new app. */
    private static void cycle(ConfigWatch watch, TestBot bot, int i) {
        bot.write(NEVER, NEVER, "batch" + i);
        assertThat(watch.poll()).isTrue();
        App app = watch.app();
        new Checker(app).check(bot.clock.instant(), Optional.of("batch" + i), false);
        // the scheduler's own outbox job may send it first; either way it goes out through this app's Slack client
        app.dispatcher().drain();
    }

    private static int threads() {
        return ManagementFactory.getThreadMXBean().getThreadCount();
    }

    private static String names() {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getName).sorted()
                .collect(Collectors.joining(", "));
    }
}

package budgetbot.schedule;

import budgetbot.app.App;
import budgetbot.notify.Message;
import budgetbot.testing.ThrowawayPostgres;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static budgetbot.schedule.TestBot.NEVER;
import static budgetbot.schedule.TestBot.RULE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * PostgreSQL going away while the bot runs, on a server of the test's own: the checks that cannot reach it fail
 * with an error that says so and why, and once it is back the alert they could not record is announced and
 * delivered, once.
 */
class DatabaseOutageTest {
    private static final Duration OUTBOX = Duration.ofSeconds(1);
    /** The pool waits this long (HikariCP's default, 30 s) for a connection before a job fails, and some more. */
    private static final Duration FAILS_WITHIN = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    @Test
    void aCheckDuringAnOutageFailsClearlyAndItsAlertIsDeliveredOnceTheDatabaseIsBack() throws Exception {
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        Logger jobs = (Logger) LoggerFactory.getLogger(Jobs.class);
        jobs.addAppender(logs);
        try (ThrowawayPostgres pg = ThrowawayPostgres.start();
             TestBot bot = TestBot.on(dir, ClusterTest.MORNING, pg.url()).write(NEVER, NEVER, "")) {
            Recorder ops = Recorder.open();
            try (App app = bot.open(bot.load(), ops); BotScheduler scheduler = BotScheduler.start(app, OUTBOX)) {
                pg.stop();
                // the rule's next fire, during the outage
                scheduler.quartz().triggerJob(BotScheduler.ruleKey(RULE));

                await().atMost(FAILS_WITHIN).pollInterval(Duration.ofMillis(200))
                        .until(() -> errors(logs).stream().anyMatch(m -> m.startsWith("check " + RULE + " failed")));
                assertThat(errors(logs)).filteredOn(m -> m.startsWith("check " + RULE + " failed")).first()
                        .asString().contains("the state database is unreachable",
                                "Connection to 127.0.0.1:" + pg.port() + " refused");
                assertThat(ops.sent()).isEmpty();

                pg.restart();
                // the rule's next fire, with the database back
                scheduler.quartz().triggerJob(BotScheduler.ruleKey(RULE));

                await().atMost(FAILS_WITHIN).pollInterval(Duration.ofMillis(200)).until(() -> !ops.sent().isEmpty());
                Thread.sleep(3 * OUTBOX.toMillis());
                assertThat(ops.sent()).extracting(Message::subject).singleElement().asString().contains(RULE);
                assertThat(app.outbox().pending()).isEmpty();
            }
        } finally {
            jobs.detachAppender(logs);
        }
    }

    private static List<String> errors(ListAppender<ILoggingEvent> logs) {
        synchronized (logs) {
            return new ArrayList<>(logs.list.stream().filter(e -> e.getLevel() == Level.ERROR)
                    .map(ILoggingEvent::getFormattedMessage).toList());
        }
    }
}

package budgetbot.schedule;

import budgetbot.app.App;
import budgetbot.notify.Message;
import budgetbot.testing.LocalPostgres;
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
    /** Far more than the pool's wait for a connection ({@code state.connectTimeout: 2s}) before a job fails. */
    private static final Duration FAILS_WITHIN = Duration.ofSeconds(60);
    /** The pool holds at most this many connections (StateStore.MAX_POOL_SIZE), each of which the crash may break. */
    private static final int POOLED_CONNECTIONS = 4;

    @TempDir
    Path dir;

    @Test
    void aCheckDuringAnOutageFailsClearlyAndItsAlertIsDeliveredOnceTheDatabaseIsBack() throws Exception {
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        Logger jobs = (Logger) LoggerFactory.getLogger(Jobs.class);
        jobs.addAppender(logs);
        try (LocalPostgres pg = LocalPostgres.start();
             TestBot bot = TestBot.on(dir, ClusterTest.MORNING, pg.url()).withConnectTimeout("2s")
                     .write(NEVER, NEVER, "")) {
            Recorder ops = Recorder.open();
            try (App app = bot.open(bot.load(), ops); BotScheduler scheduler = BotScheduler.start(app, OUTBOX)) {
                Fires fires = Fires.on(scheduler);
                pg.stop();
                // the rule's next fires, during the outage: each pooled connection the crash broke fails one with the
                // driver's I/O error (and leaves the pool); then no connection can be made at all, which says why
                List<String> failures = checkFailures(logs);
                for (int fire = 1; fire <= POOLED_CONNECTIONS + 1 && failures.stream().noneMatch(m -> m.contains("refused"));
                     fire++) {
                    scheduler.quartz().triggerJob(BotScheduler.ruleKey(RULE));
                    int seen = fire;
                    await().atMost(FAILS_WITHIN).until(() -> checkFailures(logs).size() == seen);
                    failures = checkFailures(logs);
                }
                assertThat(failures).allSatisfy(m -> assertThat(m).contains("the state database is unreachable"));
                assertThat(failures).last().asString().contains("Connection to 127.0.0.1:" + pg.port() + " refused");
                assertThat(ops.sent()).isEmpty();

                pg.restart();
                // the rule's next fire, with the database back
                scheduler.quartz().triggerJob(BotScheduler.ruleKey(RULE));

                await().atMost(FAILS_WITHIN).until(() -> !ops.sent().isEmpty());
                // three more drains of the outbox send nothing again
                int drains = fires.of("outbox").size();
                await().atMost(FAILS_WITHIN).until(() -> fires.of("outbox").size() >= drains + 3);
                assertThat(ops.sent()).extracting(Message::subject).singleElement().asString().contains(RULE);
                assertThat(app.outbox().pending()).isEmpty();
            }
        } finally {
            jobs.detachAppender(logs);
        }
    }

    private static List<String> checkFailures(ListAppender<ILoggingEvent> logs) {
        synchronized (logs) {
            return new ArrayList<>(logs.list.stream().filter(e -> e.getLevel() == Level.ERROR)
                    .map(ILoggingEvent::getFormattedMessage).filter(m -> m.startsWith("check " + RULE + " failed"))
                    .toList());
        }
    }
}

package budgetbot.e2e;

import budgetbot.testing.TestDb;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** {@link CrashE2ETest}'s {@code kill -9} on PostgreSQL, which loses no commit: only the message on the wire repeats. */
class CrashOnPostgresE2ETest {
    @TempDir
    Path dir;

    @Test
    void aRunKilledWhileSendingDeliversEveryAlertSoonAfterARestart() throws Exception {
        CrashE2ETest.stopWhileSending(dir, TestDb.Kind.POSTGRES, CrashE2ETest.Stop.KILL);
    }
}

package budgetbot.config;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.quartz.CronExpression;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.TimeZone;

import static org.assertj.core.api.Assertions.assertThat;

/** Five crontab fields mean what crontab means, as the Quartz expression the scheduler runs. */
class CrontabTest {
    @ParameterizedTest(name = "\"{0}\" -> \"{1}\"")
    @CsvSource(delimiter = '|', value = {
            "0 9 * * 1       | 0 0 9 ? * 2       | MONDAY",
            "0 9 * * 0       | 0 0 9 ? * 1       | SUNDAY",
            "0 9 * * 7       | 0 0 9 ? * 1       | SUNDAY",
            "30 18 * * 1-5   | 0 30 18 ? * 2-6   | FRIDAY",
            "0 9 * * mon     | 0 0 9 ? * MON     | MONDAY",
            "*/5 * * * *     | 0 */5 * * * ?     | ",
            "0 0 1 * *       | 0 0 0 1 * ?       | ",
            "0 8 * * 6,0     | 0 0 8 ? * 7,1     | SATURDAY",
    })
    void fiveFieldsBecomeTheQuartzExpressionOfTheSameMoments(String crontab, String quartz, DayOfWeek first)
            throws Exception {
        String converted = Crontab.toQuartz(crontab.split("\\s+"));

        assertThat(converted).isEqualTo(quartz);
        if (first != null) {
            // from Friday 2026-12-04 noon UTC: the next fire falls on the day crontab means
            CronExpression cron = new CronExpression(converted);
            cron.setTimeZone(TimeZone.getTimeZone("UTC"));
            Date next = cron.getNextValidTimeAfter(Date.from(Instant.parse("2026-12-04T12:00:00Z")));
            assertThat(LocalDateTime.ofInstant(next.toInstant(), ZoneOffset.UTC).getDayOfWeek()).isEqualTo(first);
        }
    }
}

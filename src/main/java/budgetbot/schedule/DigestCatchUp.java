package budgetbot.schedule;

import budgetbot.app.App;
import budgetbot.app.DigestService;
import budgetbot.config.DigestConfig;
import budgetbot.time.PeriodCalendar;
import budgetbot.time.Window;
import org.quartz.CronExpression;

import java.text.ParseException;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import java.util.TimeZone;

/**
 * Which digests a scheduler starting now has missed: their cron fired this period and nothing was queued, for a
 * period that ended after the installation's first start (a new installation owes nobody last week's digest).
 */
final class DigestCatchUp {
    private DigestCatchUp() {
    }

    /**
     * Whether {@code digest}'s cron has fired in the current period up to {@code now} while the digest of the
     * previous period is not queued yet for some channel, and that period ended after {@code installed}.
     */
    static boolean missed(App app, DigestConfig digest, Instant now, Instant installed) {
        PeriodCalendar calendar = app.config().calendar();
        if (firstFireThisPeriod(digest, calendar, now).isEmpty()) {
            return false;
        }
        Window report = calendar.previous(digest.period(), now);
        if (!report.end().isAfter(installed)) {
            return false;
        }
        return digest.channels().stream().anyMatch(c -> !app.outbox().isQueued(DigestService.dedupKey(digest, report, c)));
    }

    /** The first time the digest's cron fired in the period that contains {@code now}, if it has yet. */
    static Optional<Instant> firstFireThisPeriod(DigestConfig digest, PeriodCalendar calendar, Instant now) {
        CronExpression cron;
        try {
            cron = new CronExpression(digest.schedule());
        } catch (ParseException e) {
            throw new IllegalArgumentException("digest " + digest.name() + ": invalid cron: " + e.getMessage(), e);
        }
        cron.setTimeZone(TimeZone.getTimeZone(calendar.zone()));
        // cron resolution is a second: the first fire strictly after this is the first at or after the start
        Instant start = calendar.periodOf(digest.period(), now).start().minusSeconds(1);
        return Optional.ofNullable(cron.getNextValidTimeAfter(Date.from(start))).map(Date::toInstant)
                .filter(fire -> !fire.isAfter(now));
    }
}

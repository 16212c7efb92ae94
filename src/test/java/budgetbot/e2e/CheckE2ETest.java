package budgetbot.e2e;

import jakarta.mail.internet.MimeMessage;
import mockwebserver3.MockResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import static budgetbot.e2e.Bot.FINANCE_EMAIL;
import static budgetbot.e2e.Bot.SUBJECT_PREFIX;
import static budgetbot.e2e.Bot.TEAM_SLACK;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code budgetbot check}, the acceptance of the alerting issue: the right alerts, once, escalating, fresh each
 * period, and delivered despite rate limits, a mail server that is down and a process that ended.
 *
 * <p>bot.yml has prod-daily (15M tokens a day, thresholds 25/50/80/100%, to Slack and email) and prod-growth
 * (tokens doubled vs the same span of the day before, to Slack). The production key's usage spikes six-fold on
 * 20 Nov 12:00-15:00; every expected number below comes from the simulator's data.
 */
class CheckE2ETest {
    private static final long LIMIT = 15_000_000;
    /** Spike day 15:00: 50% of the budget, and growth against 19 Nov. */
    private static final Instant AFTERNOON = Scenario.at("2026-11-20T15:00");
    /** Spike day 22:00: 80% of the budget, growth still above 100%. */
    private static final Instant NIGHT = Scenario.at("2026-11-20T22:00");
    /** The next day: a new period at 25%, and growth back to normal. */
    private static final Instant NEXT_DAY = Scenario.at("2026-11-21T23:00");

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

    /** One notification as it arrived: on which channel, and its headline (the subject without the prefix). */
    record Sent(String channel, String headline) {
    }

    private List<Sent> sent() {
        List<Sent> sent = new ArrayList<>();
        for (SlackServer.Received post : bot.slack.delivered(SlackServer.HOOK)) {
            sent.add(new Sent(TEAM_SLACK, post.text().lines().findFirst().orElseThrow()));
        }
        for (MimeMessage m : bot.mails()) {
            assertThat(Bot.subject(m)).startsWith(SUBJECT_PREFIX);
            sent.add(new Sent(FINANCE_EMAIL, Bot.subject(m).substring(SUBJECT_PREFIX.length())));
        }
        return sent;
    }

    private String slackText(String headline) {
        return bot.slack.delivered(SlackServer.HOOK).stream().map(SlackServer.Received::text)
                .filter(t -> t.startsWith(headline + "\n")).findFirst().orElseThrow();
    }

    private String mailText(String headline) {
        return bot.mails().stream().filter(m -> Bot.subject(m).equals(SUBJECT_PREFIX + headline)).map(Bot::text)
                .findFirst().orElseThrow();
    }

    private Cli.Run check(Instant at, String... more) {
        List<String> args = new ArrayList<>(List.of("--at", Scenario.arg(at)));
        args.addAll(List.of(more));
        return bot.run("check", args.toArray(String[]::new));
    }

    private long prodTokens(Instant at) {
        return Scenario.prod(bot.sim, Scenario.daySoFar(at)).totalTokens();
    }

    /** prod-growth's baseline: the production key's tokens in the same span of the day before. */
    private long prodTokensDayBefore(Instant at) {
        Instant dayBefore = at.minus(Duration.ofDays(1));
        return Scenario.prod(bot.sim, Scenario.daySoFar(dayBefore)).totalTokens();
    }

    private static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** The Used line of a prod-daily alert: the share of the limit rounded down, as an alert never overstates. */
    private static String usedLine(long used) {
        return "Used: " + count(used) + " of " + count(LIMIT) + " tokens (" + used * 100 / LIMIT + "%)";
    }

    private static long growthPercent(long used, long baseline) {
        return BigDecimal.valueOf(used - baseline).divide(BigDecimal.valueOf(baseline), 4, RoundingMode.HALF_UP)
                .movePointRight(2).setScale(0, RoundingMode.HALF_UP).longValueExact();
    }

    /** A prod-daily headline: the real share used (rounded down) and the threshold it crossed. */
    private String budgetHeadline(String status, String level, Instant at) {
        String share = prodTokens(at) * 100 / LIMIT + "%";
        return status + "prod-daily: " + share + " of daily token budget used"
                + (share.equals(level) ? "" : " (crossed " + level + ")");
    }

    private String growthHeadline(Instant at) {
        return "prod-growth: daily tokens up " + growthPercent(prodTokens(at), prodTokensDayBefore(at))
                + "% vs the previous period";
    }

    /** What the first check on the spike day sends: prod-daily at 50% to both channels, prod-growth to Slack. */
    private List<Sent> afternoonAlerts() {
        String firing = budgetHeadline("", "50%", AFTERNOON);
        return List.of(new Sent(TEAM_SLACK, firing), new Sent(FINANCE_EMAIL, firing),
                new Sent(TEAM_SLACK, growthHeadline(AFTERNOON)));
    }

    @Test
    void alertsOncePerLevelEscalatesAndStartsAfreshTheNextDay() throws Exception {
        bot.startMail();
        long used = prodTokens(AFTERNOON);
        long baseline = prodTokensDayBefore(AFTERNOON);
        long growth = growthPercent(used, baseline);
        assertThat(used * 100 / LIMIT).as("scenario: spike day 15:00 is between 50% and 80%").isBetween(50L, 79L);
        assertThat(growth).as("scenario: the spike doubled usage").isGreaterThanOrEqualTo(100);
        String firing = budgetHeadline("", "50%", AFTERNOON);
        String grown = growthHeadline(AFTERNOON);

        assertThat(check(AFTERNOON).exits(0).out()).contains("delivery: 3 sent, 0 failed, 0 pending");

        assertThat(sent()).containsExactlyInAnyOrderElementsOf(afternoonAlerts());
        assertThat(slackText(firing)).contains(usedLine(used), "Threshold crossed: 50%", "Status: firing",
                "Rule prod-daily, group all: daily token budget of 15,000,000 tokens;");
        assertThat(mailText(firing)).contains(usedLine(used), "Threshold crossed: 50%");
        assertThat(bot.mails().get(0).getAllRecipients()).extracting(Object::toString)
                .containsExactly("finance@example.com");
        assertThat(slackText(grown)).contains("Growth: +" + growth + "%: " + count(used) + " tokens now vs "
                + count(baseline) + " tokens in the same span of the previous period");

        Cli.Run again = check(AFTERNOON).exits(0);

        assertThat(again.out()).contains("0 notifications").contains("delivery: 0 sent, 0 failed, 0 pending");
        assertThat(sent()).hasSize(3);

        long usedAtNight = prodTokens(NIGHT);
        assertThat(usedAtNight * 100 / LIMIT).as("scenario: spike day 22:00 is between 80% and 100%")
                .isBetween(80L, 99L);
        assertThat(growthPercent(usedAtNight, prodTokensDayBefore(NIGHT))).as("scenario: still grown")
                .isGreaterThanOrEqualTo(100);
        String escalated = budgetHeadline("ESCALATED ", "80%", NIGHT);

        check(NIGHT).exits(0);

        assertThat(sent()).hasSize(5).contains(new Sent(TEAM_SLACK, escalated), new Sent(FINANCE_EMAIL, escalated));
        assertThat(slackText(escalated)).contains(usedLine(usedAtNight), "Threshold crossed: 80%", "Status: escalated");
        assertThat(mailText(escalated)).contains(usedLine(usedAtNight));

        long usedNextDay = prodTokens(NEXT_DAY);
        assertThat(usedNextDay * 100 / LIMIT).as("scenario: the next day is between 25% and 50%").isBetween(25L, 49L);
        assertThat(growthPercent(usedNextDay, prodTokensDayBefore(NEXT_DAY))).as("scenario: no spike the next day")
                .isLessThan(100);
        String fresh = budgetHeadline("", "25%", NEXT_DAY);
        String resolved = "RESOLVED prod-growth: daily token growth back to normal";

        Cli.Run dryRun = check(NEXT_DAY, "--dry-run").exits(0);

        assertThat(dryRun.out()).contains("would send to team-slack: " + SUBJECT_PREFIX + fresh,
                "would send to finance-email: " + SUBJECT_PREFIX + fresh,
                "would send to team-slack: " + SUBJECT_PREFIX + resolved).doesNotContain("delivery:");
        assertThat(sent()).hasSize(5);

        assertThat(check(NEXT_DAY).exits(0).out()).contains("delivery: 3 sent, 0 failed, 0 pending");

        assertThat(sent()).hasSize(8).contains(new Sent(TEAM_SLACK, fresh), new Sent(FINANCE_EMAIL, fresh),
                new Sent(TEAM_SLACK, resolved));
        assertThat(slackText(fresh)).contains(usedLine(usedNextDay), "Status: firing",
                "Period: day 2026-11-21 00:00 – 2026-11-22 00:00 (Asia/Shanghai)");
        assertThat(bot.slack.received(SlackServer.HOOK)).as("nothing was sent twice").hasSize(5);
    }

    @Test
    void aSlackRateLimitOfOneSecondIsWaitedOutWithinTheSameCheck() {
        bot.startMail();
        bot.slack.script(SlackServer.HOOK, new MockResponse.Builder().code(429).addHeader("Retry-After", "1")
                .body("rate_limited").build());

        Cli.Run run = check(AFTERNOON).exits(0);

        assertThat(run.out()).contains("delivery: 3 sent, 0 failed, 0 pending");
        List<SlackServer.Received> hook = bot.slack.received(SlackServer.HOOK);
        assertThat(hook).extracting(SlackServer.Received::status).containsExactly(429, 200, 200);
        assertThat(hook.get(1).body()).as("the rate-limited alert, sent again").isEqualTo(hook.get(0).body());
        assertThat(sent()).containsExactlyInAnyOrderElementsOf(afternoonAlerts());
    }

    @Test
    void mailMissedWhileTheSmtpServerWasDownFailsTheCheckAndArrivesWithTheNextCheckAndOnlyThen() {
        Cli.Run down = check(AFTERNOON).exits(1);

        assertThat(down.out()).contains("delivery: 2 sent, 1 failed, 1 pending (1 could not be delivered and stays "
                + "queued: the next check, digest or run tries again)");
        assertThat(sent()).containsExactlyInAnyOrderElementsOf(
                afternoonAlerts().stream().filter(a -> a.channel().equals(TEAM_SLACK)).toList());

        bot.startMail();
        check(AFTERNOON, "--dry-run").exits(0);

        assertThat(bot.mails()).as("a dry run delivers nothing, not even what is overdue").isEmpty();

        assertThat(check(AFTERNOON).exits(0).out()).contains("delivery: 1 sent, 0 failed, 0 pending");

        assertThat(sent()).containsExactlyInAnyOrderElementsOf(afternoonAlerts());
        assertThat(mailText(budgetHeadline("", "50%", AFTERNOON))).contains(usedLine(prodTokens(AFTERNOON)));

        bot.stopMail();
        assertThat(check(AFTERNOON).exits(0).out()).contains("delivery: 0 sent, 0 failed, 0 pending");
    }

    @Test
    void aDeliveryThatFailedBeforeTheProcessEndedIsMadeOnceByTheNextCheck() {
        bot.startMail();
        // both Slack alerts of the check fail; a 500 is retried later, not within the check
        bot.slack.script(SlackServer.HOOK, SlackServer.text(500, "internal_error"),
                SlackServer.text(500, "internal_error"));

        Cli.Run first = Cli.process(Map.of(), Set.of(), "check", "--config", bot.config.toString(),
                "--at", Scenario.arg(AFTERNOON));

        first.exits(1);
        assertThat(first.out()).contains("delivery: 1 sent, 2 failed, 2 pending (2 could not be delivered and stay "
                + "queued");
        assertThat(first.err()).as("the failures are logged without the webhook URL").contains("HTTP 500")
                .doesNotContain("SECRET");
        assertThat(bot.slack.delivered(SlackServer.HOOK)).isEmpty();

        Cli.Run next = check(AFTERNOON).exits(0);

        assertThat(next.out()).contains("0 notifications").contains("delivery: 2 sent, 0 failed, 0 pending");
        assertThat(sent()).containsExactlyInAnyOrderElementsOf(afternoonAlerts());
        assertThat(bot.slack.received(SlackServer.HOOK)).extracting(SlackServer.Received::status)
                .containsExactly(500, 500, 200, 200);
    }

    @Test
    void aCheckAsOfAMomentBeforeTheLatestEvaluationIsRefusedAndPointsToADryRun() {
        bot.startMail();
        Instant dayBefore = AFTERNOON.minus(Duration.ofDays(1));
        check(AFTERNOON).exits(0);
        String resolved = "RESOLVED prod-growth: daily token growth back to normal";

        Cli.Run past = check(dayBefore).exits(2);

        assertThat(past.err()).contains("error: refusing to check as of 2026-11-19T15:00+08:00: prod-daily was last "
                + "evaluated as of 2026-11-20T15:00+08:00, prod-growth was last evaluated as of 2026-11-20T15:00+08:00",
                "Use --dry-run to see what a check as of that moment finds");
        assertThat(past.out()).isEmpty();
        assertThat(sent()).containsExactlyInAnyOrderElementsOf(afternoonAlerts());

        assertThat(check(dayBefore, "--dry-run").exits(0).out()).contains("would send to team-slack: "
                + SUBJECT_PREFIX + resolved);
        assertThat(check(AFTERNOON).exits(0).out()).as("the live alerts are still live")
                .contains("0 notifications").doesNotContain("RESOLVED");
        assertThat(sent()).containsExactlyInAnyOrderElementsOf(afternoonAlerts());
    }

    @Test
    void anEvaluationThatAnnouncedNothingStillCountsAsTheLatest() {
        Instant early = Scenario.at("2026-11-19T01:00");
        assertThat(check(early, "--rule", "prod-daily").exits(0).out())
                .contains("prod-daily: 1 condition, all clear, 0 notifications");

        Cli.Run earlier = check(early.minus(Duration.ofMinutes(30)), "--rule", "prod-daily").exits(2);

        assertThat(earlier.err()).contains("prod-daily was last evaluated as of 2026-11-19T01:00+08:00");
        assertThat(check(early.minus(Duration.ofMinutes(30)), "--rule", "prod-growth").exits(0).out())
                .as("another rule has its own latest evaluation").contains("prod-growth: ");
        assertThat(check(early, "--rule", "prod-daily").exits(0).out()).as("the same moment again is no step back")
                .contains("0 notifications");
    }

    @Test
    void aRuleWhoseUsageCannotBeFetchedFailsTheCheckSaysWhyAndSendsNothing() throws Exception {
        bot.startMail();
        String wrongKey = "not-the-simulators-private-key";
        Files.writeString(bot.config, Files.readString(bot.config).replace(bot.sim.privateKey().reveal(), wrongKey));

        Cli.Run run = check(AFTERNOON).exits(1);

        assertThat(run.out()).contains("prod-daily: FAILED: UCloud rejected the signature (RetCode 171",
                "prod-growth: FAILED: UCloud rejected the signature (RetCode 171");
        assertThat(run.all()).doesNotContain(wrongKey).doesNotContain(bot.sim.privateKey().reveal());
        assertThat(sent()).isEmpty();
    }
}

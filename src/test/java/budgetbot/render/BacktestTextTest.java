package budgetbot.render;

import budgetbot.backtest.BacktestReport;
import budgetbot.backtest.Notification;
import budgetbot.backtest.Peak;
import budgetbot.backtest.RuleReport;
import budgetbot.rules.Finding;
import budgetbot.state.AlertStatus;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static budgetbot.render.BacktestHtmlTest.FROM;
import static budgetbot.render.BacktestHtmlTest.ZONE;
import static budgetbot.render.BacktestHtmlTest.event;
import static budgetbot.render.BacktestHtmlTest.finding;
import static budgetbot.render.BacktestHtmlTest.rule;
import static budgetbot.render.BacktestHtmlTest.sent;
import static org.assertj.core.api.Assertions.assertThat;

/** The sentences people read first: a rule's summary and the hints about noisy and silent rules. */
class BacktestTextTest {
    private static final String BUDGET = "budget[0]:tokens/day";

    private static BacktestReport report(Duration span, RuleReport... rules) {
        return new BacktestReport(FROM, FROM.plus(span), Duration.ofMinutes(5), (int) (span.toMinutes() / 5) + 1, ZONE,
                "CNY", List.of(rules));
    }

    @Test
    void countsEachAlertOnceWhateverItsChannelsAndNamesItsLevels() {
        Finding at80 = finding("prod-daily", BUDGET, "all", "850", "0.8");
        Finding at100 = finding("prod-daily", BUDGET, "all", "1020", "1");
        Instant first = FROM.plus(Duration.ofHours(10));
        Instant second = FROM.plus(Duration.ofHours(20));
        List<Notification> sent = new ArrayList<>();
        for (String channel : List.of("slack", "mail")) {
            sent.add(sent(first, channel, event(at80, AlertStatus.FIRING)));
            sent.add(sent(second, channel, event(at100, AlertStatus.ESCALATED)));
            sent.add(sent(FROM.plus(Duration.ofDays(1)), channel, event(at80, AlertStatus.FIRING)));
        }
        RuleReport rule = new RuleReport(rule("prod-daily", true), sent,
                Optional.of(new Peak(second, at100, new java.math.BigDecimal("1.02"))), Optional.empty(),
                Optional.empty());
        BacktestReport r = report(Duration.ofDays(14), rule);

        assertThat(BacktestText.summary(rule, r)).isEqualTo("prod-daily: 3 alerts in 14 days: 2 at 80%, 1 at 100%; "
                + "highest 102% of the daily token budget (1,020 tokens, Fri 27 Nov 2026 20:00)");
        assertThat(BacktestText.hints(rule, r)).isEmpty();
        assertThat(BacktestText.render(r, "rules.yml")).contains("6 notifications that would have been sent",
                "2026-11-27 10:00  prod-daily  all    mail     firing: daily token budget at 85% (850 tokens of "
                        + "1,000 tokens)");
    }

    @Test
    void callsARuleNoisyAboveOneAlertADayAndSaysWhenRemindersMakeIt() {
        Finding f = finding("chatty", BUDGET, "all", "850", "0.8");
        List<Notification> sent = new ArrayList<>();
        sent.add(sent(FROM, "slack", event(f, AlertStatus.FIRING)));
        for (int i = 1; i <= 4; i++) {
            sent.add(sent(FROM.plus(Duration.ofHours(i)), "slack", event(f, AlertStatus.REMINDER)));
        }
        RuleReport rule = new RuleReport(rule("chatty", true), sent, Optional.empty(), Optional.empty(),
                Optional.empty());

        assertThat(BacktestText.hints(rule, report(Duration.ofDays(2), rule)))
                .containsExactly("noisy: 2.5 alerts a day on average; most are reminders, so a longer repeat would "
                        + "quiet it");
        assertThat(BacktestText.hints(rule, report(Duration.ofDays(5), rule))).isEmpty();
        assertThat(BacktestText.summary(rule, report(Duration.ofDays(5), rule)))
                .startsWith("chatty: 5 alerts in 5 days: 1 at 80%, 4 reminders");
    }

    @Test
    void saysHowCloseARuleThatNeverAlertedCame() {
        Finding highest = finding("quiet", BUDGET, "key-1", "430", "0");
        RuleReport came = new RuleReport(rule("quiet", true), List.of(),
                Optional.of(new Peak(FROM.plus(Duration.ofHours(23)), highest, new java.math.BigDecimal("0.43"))),
                Optional.empty(), Optional.empty());
        RuleReport blind = new RuleReport(rule("blind", true), List.of(), Optional.empty(), Optional.empty(),
                Optional.empty());
        BacktestReport r = report(Duration.ofDays(1), came, blind);

        assertThat(BacktestText.summary(came, r)).isEqualTo("quiet: no alerts in 1 day; highest 43% of the daily token "
                + "budget (430 tokens, key-1, Fri 27 Nov 2026 23:00)");
        assertThat(BacktestText.hints(came, r)).singleElement().asString().startsWith("never alerted: it came no closer");
        assertThat(BacktestText.hints(blind, r)).singleElement().asString()
                .startsWith("never alerted, and saw no usage");
    }
}

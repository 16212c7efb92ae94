package budgetbot.render;

import budgetbot.backtest.BacktestReport;
import budgetbot.backtest.Notification;
import budgetbot.backtest.Peak;
import budgetbot.backtest.RuleReport;
import budgetbot.config.Anomaly;
import budgetbot.config.BudgetAction;
import budgetbot.config.Metric;
import budgetbot.config.RuleConfig;
import budgetbot.guard.Action;
import budgetbot.rules.AnomalyScore;
import budgetbot.rules.Finding;
import budgetbot.rules.Kind;
import budgetbot.time.PeriodUnit;
import budgetbot.time.Window;
import budgetbot.state.AlertStatus;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

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
        RuleReport rule = new RuleReport(rule("prod-daily", true), sent, List.of(),
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
        RuleReport rule = new RuleReport(rule("chatty", true), sent, List.of(), Optional.empty(), Optional.empty(),
                Optional.empty());

        assertThat(BacktestText.hints(rule, report(Duration.ofDays(2), rule)))
                .containsExactly("noisy: 2.5 alerts a day on average; most are reminders, so a longer repeat would "
                        + "quiet it");
        assertThat(BacktestText.hints(rule, report(Duration.ofDays(5), rule))).isEmpty();
        assertThat(BacktestText.summary(rule, report(Duration.ofDays(5), rule)))
                .startsWith("chatty: 5 alerts in 5 days: 1 at 80%, 4 reminders");
    }

    @Test
    void aNoisyAnomalyRuleGetsTheMinExcessAndSensitivityThatWouldHaveHalvedItsAlerts() {
        RuleConfig base = rule("spiky", false);
        RuleConfig spiky = new RuleConfig(base.name(), base.schedule(), base.keys(), base.models(), base.groupBy(),
                List.of(), List.of(), base.channels(), Optional.empty(), base.staleAfter(),
                List.of(new Anomaly(Metric.TOKENS, new BigDecimal("50000"), new BigDecimal("3.5"),
                        new BigDecimal("1.5"), 4)), Set.of());
        List<Notification> sent = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            Instant at = FROM.plus(Duration.ofHours(7L * i + 1));
            Window hour = new Window(at.minus(Duration.ofHours(1)), at);
            AnomalyScore score = new AnomalyScore(hour, new BigDecimal(200_000 + 100_000 * i), AnomalyScore.Basis.HOUR_OF_WEEK,
                    4, new BigDecimal("100000"), new BigDecimal("10000"), Optional.of(new BigDecimal(4 + i)),
                    Optional.empty(), 1, Optional.empty());
            Finding f = new Finding("spiky", Kind.ANOMALY, "anomaly[0]:tokens/hour", "key-1", Metric.TOKENS,
                    PeriodUnit.HOUR, hour, true, BigDecimal.ONE, score.value(), Optional.empty(),
                    Optional.of(score.expected()), Optional.empty(), Optional.empty(), List.of(), List.of("key-1"),
                    List.of("m-1"), Optional.of(score));
            sent.add(sent(at, "slack", event(f, AlertStatus.FIRING)));
        }
        RuleReport rule = new RuleReport(spiky, sent, List.of(), Optional.empty(), Optional.empty(), Optional.empty());
        RuleReport silent = new RuleReport(spiky, List.of(), List.of(), Optional.empty(), Optional.empty(),
                Optional.empty());

        // excesses 100k..600k, scores 4..9: the upper medians are 400k and 7
        assertThat(BacktestText.hints(rule, report(Duration.ofDays(2), rule))).containsExactly("noisy: 3 alerts a day"
                + " on average; most are anomalies; minExcess: 400k (the median excess of those hours) or sensitivity:"
                + " 7.0 (their median score) would have raised about half as many");
        assertThat(BacktestText.summary(rule, report(Duration.ofDays(2), rule))).startsWith("spiky: 6 alerts in 2 days:"
                + " 6 anomalies");
        assertThat(BacktestText.hints(silent, report(Duration.ofDays(2), silent))).containsExactly("never alerted: no"
                + " hour stood out enough from its usual value for the same hour of the week");
    }

    @Test
    void saysHowCloseARuleThatNeverAlertedCame() {
        Finding highest = finding("quiet", BUDGET, "key-1", "430", "0");
        RuleReport came = new RuleReport(rule("quiet", true), List.of(), List.of(),
                Optional.of(new Peak(FROM.plus(Duration.ofHours(23)), highest, new java.math.BigDecimal("0.43"))),
                Optional.empty(), Optional.empty());
        RuleReport blind = new RuleReport(rule("blind", true), List.of(), List.of(), Optional.empty(), Optional.empty(),
                Optional.empty());
        BacktestReport r = report(Duration.ofDays(1), came, blind);

        assertThat(BacktestText.summary(came, r)).isEqualTo("quiet: no alerts in 1 day; highest 43% of the daily token "
                + "budget (430 tokens, key-1, Fri 27 Nov 2026 23:00)");
        assertThat(BacktestText.hints(came, r)).singleElement().asString().startsWith("never alerted: it came no closer");
        assertThat(BacktestText.hints(blind, r)).singleElement().asString()
                .startsWith("never alerted, and saw no usage");
    }

    @Test
    void saysWhatEachBudgetActionWouldHaveDoneAndHow() {
        Instant start = FROM;
        Instant end = FROM.plus(Duration.ofDays(1));
        Action disable = new Action(0, "prod", BUDGET, "key-1", start, end, "key-1", BudgetAction.Do.DISABLE,
                "ModelverseDisabled", "1", BudgetAction.Approval.MANUAL, false, Action.Status.PENDING,
                Optional.empty(), start.plus(Duration.ofHours(9)), start.plus(Duration.ofHours(9)));
        Action cap = new Action(0, "prod", "budget[1]:cost/month", "key-1", start, end, "key-1", BudgetAction.Do.CAP,
                "MonthlyLimitAmount", "2000", BudgetAction.Approval.AUTO, true, Action.Status.APPLYING,
                Optional.empty(), start.plus(Duration.ofHours(10)), start.plus(Duration.ofHours(10)));

        assertThat(BacktestText.action(disable, "CNY", ZONE)).isEqualTo("disable key-1 (ModelverseDisabled=1), after"
                + " manual approval (action approve)");
        assertThat(BacktestText.action(cap, "CNY", ZONE)).isEqualTo("cap key-1's monthly limit at CNY 2000"
                + " (MonthlyLimitAmount=2000), automatically; undone when its period ends, "
                + BacktestText.when(end, ZONE));
    }
}

package budgetbot.render;

import budgetbot.config.Metric;
import budgetbot.notify.Message;
import budgetbot.rules.AnomalyScore;
import budgetbot.rules.Contributor;
import budgetbot.rules.Finding;
import budgetbot.rules.Kind;
import budgetbot.state.AlertEvent;
import budgetbot.state.AlertStatus;
import budgetbot.testing.Events;
import budgetbot.time.PeriodUnit;
import budgetbot.time.Window;
import budgetbot.usage.Series;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** An anomaly alert in a person's words, in every form a message takes. */
class AnomalyAlertTest {
    private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
    /** A Wednesday. */
    private static final Instant HOUR = OffsetDateTime.parse("2026-11-18T14:00+08:00").toInstant();
    static final Window SCORED = new Window(HOUR, HOUR.plus(Duration.ofHours(1)));
    private static final String KEY = "uminferapikey-prod";

    static AnomalyScore score(AnomalyScore.Basis basis, String value, String expected, int hours,
                                      Optional<String> unscored) {
        return new AnomalyScore(SCORED, new BigDecimal(value), basis, basis == AnomalyScore.Basis.HOUR_OF_WEEK ? 4 : 14,
                new BigDecimal(expected), new BigDecimal("21000"), Optional.of(new BigDecimal("44.1")),
                Optional.of(new BigDecimal("11.2")), hours, unscored);
    }

    static AlertEvent event(AlertStatus status, Window window, AnomalyScore s) {
        Finding f = new Finding("spikes", Kind.ANOMALY, "anomaly[0]:tokens/hour", KEY, Metric.TOKENS,
                PeriodUnit.HOUR, window, status != AlertStatus.RESOLVED, BigDecimal.valueOf(Math.min(s.hours(), 2)),
                s.value(), Optional.empty(), Optional.of(s.expected()), Optional.empty(), Optional.empty(),
                List.of(new Contributor(new Series(KEY, "deepseek-ai/DeepSeek-R1"), new BigDecimal("1500000"),
                        new BigDecimal("0.8333")), new Contributor(new Series(KEY, "Qwen/QwQ-32B"),
                        new BigDecimal("300000"), new BigDecimal("0.1667"))),
                List.of(KEY), List.of("deepseek-ai/DeepSeek-R1", "Qwen/QwQ-32B"), Optional.of(s));
        return Events.event(f, status, "CNY", SHANGHAI);
    }

    @Test
    void saysWhatIsUnusualAgainstTheSameHourOfTheWeekWithTheExcessInMoneyAndTheTopModels() {
        Message m = AlertFormatter.format(List.of(event(AlertStatus.FIRING, SCORED,
                score(AnomalyScore.Basis.HOUR_OF_WEEK, "1800000", "430000", 1, Optional.empty()))));

        String headline = "spikes (uminferapikey-prod): uminferapikey-prod used 1.8M tokens 14:00–15:00, 4.2× the usual"
                + " 430k for a Wednesday at 14:00 (+1.4M tokens, about CNY 11 above expected)";
        assertThat(m.subject()).isEqualTo("[budgetbot] " + headline);
        assertThat(m.text()).startsWith(headline + "\n")
                .contains("Hour: 14:00–15:00 Wed 18 Nov (Asia/Shanghai)\n")
                .contains("Expected: 430,000 tokens, the median of 14:00 on the last 4 Wednesdays\n")
                .contains("Spread: modified z-score 44.1 (median absolute deviation 21k)\n")
                .contains("  - uminferapikey-prod × deepseek-ai/DeepSeek-R1: 1,500,000 tokens (83%)\n")
                .contains("Rule spikes, group uminferapikey-prod: hourly token anomaly;");
        assertThat(m.html()).contains("4.2× the usual 430k for a Wednesday at 14:00");
        assertThat(m.slackBlocks()).contains("4.2× the usual 430k for a Wednesday at 14:00");
    }

    @Test
    void aSecondHourEscalatesAndSaysSinceWhen() {
        Window run = new Window(HOUR.minus(Duration.ofHours(1)), SCORED.end());
        Message m = AlertFormatter.format(List.of(event(AlertStatus.ESCALATED, run,
                score(AnomalyScore.Basis.HOUR_OF_WEEK, "1800000", "430000", 2, Optional.empty()))));

        assertThat(m.subject()).startsWith("[budgetbot] ESCALATED spikes (uminferapikey-prod): ");
        assertThat(m.text()).contains("Anomalous for: 2 hours in a row, since 13:00\n");
    }

    @Test
    void theFallbackToTheSameHourOfTheDayIsSaid() {
        Message m = AlertFormatter.format(List.of(event(AlertStatus.FIRING, SCORED,
                score(AnomalyScore.Basis.HOUR_OF_DAY, "900000", "300000", 1, Optional.empty()))));

        assertThat(m.subject()).contains("3.0× the usual 300k at 14:00 over the last 14 days (fewer than 3 weeks of"
                + " history)");
        assertThat(m.text()).contains("the median of 14:00 on 14 of the last 14 days: fewer than 3 weeks of history,"
                + " so the same hour of the day stands in for the same hour of the week");
    }

    @Test
    void resolvesWithTheHourBackWithinBounds() {
        Message m = AlertFormatter.format(List.of(event(AlertStatus.RESOLVED, SCORED,
                score(AnomalyScore.Basis.HOUR_OF_WEEK, "450000", "430000", 0, Optional.empty()))));

        assertThat(m.subject()).isEqualTo("[budgetbot] RESOLVED spikes (uminferapikey-prod): uminferapikey-prod back"
                + " within its usual hourly tokens: 450k 14:00–15:00 against 430k expected");
    }

    @Test
    void aSummaryLineNamesTheRatio() {
        Finding f = event(AlertStatus.FIRING, SCORED, score(AnomalyScore.Basis.HOUR_OF_WEEK, "1800000", "430000", 1,
                Optional.empty())).finding();

        assertThat(AlertFormatter.summary(f)).isEqualTo("hourly token anomaly 4.2× the usual for uminferapikey-prod");
    }
}

package budgetbot.render;

import budgetbot.config.Metric;
import budgetbot.digest.DigestBuilder;
import budgetbot.digest.DigestPlan;
import budgetbot.digest.Fixture;
import budgetbot.digest.GroupReport;
import budgetbot.rules.AnomalyScore;
import budgetbot.rules.Finding;
import budgetbot.rules.Kind;
import budgetbot.time.PeriodUnit;
import budgetbot.time.Window;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** A digest shows each group's last complete hour against its expected value, anomalous groups first. */
class DigestAnomalyTest {
    /** 07:00-08:00 on the digest's morning. */
    private static final Window HOUR = new Window(Fixture.AT.minus(Duration.ofHours(1)), Fixture.AT);

    private static Finding lastHour(String group, long value, long expected, boolean anomalous) {
        AnomalyScore s = new AnomalyScore(HOUR, BigDecimal.valueOf(value), AnomalyScore.Basis.HOUR_OF_WEEK, 4,
                BigDecimal.valueOf(expected), BigDecimal.valueOf(expected / 10), Optional.of(BigDecimal.TEN),
                Optional.empty(), anomalous ? 1 : 0, Optional.empty());
        return new Finding("prod", Kind.ANOMALY, "anomaly[0]:tokens/hour", group, Metric.TOKENS, PeriodUnit.HOUR,
                HOUR, anomalous, BigDecimal.valueOf(anomalous ? 1 : 0), s.value(), Optional.empty(),
                Optional.of(s.expected()), Optional.empty(), Optional.empty(), List.of(), List.of(group), List.of("big"),
                Optional.of(s));
    }

    @Test
    void eachGroupsLastHourStandsAgainstItsExpectedValueInTextHtmlAndSlack() {
        DigestPlan plan = DigestPlan.of(Fixture.daily(), Fixture.config(), Fixture.AT);
        Finding usual = lastHour("k1", 40_000, 42_000, false);
        Finding spike = lastHour("k2", 900_000, 40_000, true);

        var report = DigestBuilder.build(plan, Fixture.config(), Fixture.snapshot(plan), List.of(usual, spike),
                List.of());
        GroupReport g = report.groups().get(0);
        var d = DigestRenderer.render(report);

        assertThat(g.lastHours()).containsExactly(spike, usual);
        String spikeLine = "tokens 07:00–08:00 · k2: 900,000 tokens against 40,000 tokens expected, anomalous";
        assertThat(d.text()).contains("Last complete hour: " + spikeLine + ".\n",
                "Last complete hour: tokens 07:00–08:00 · k1: 40,000 tokens against 42,000 tokens expected.\n");
        assertThat(d.message().html()).contains(Html.escape(spikeLine));
        assertThat(d.message().slackBlocks()).contains("last hour: " + spikeLine);
    }
}

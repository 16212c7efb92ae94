package budgetbot.backtest;

import budgetbot.config.Anomaly;
import budgetbot.config.Budget;
import budgetbot.config.GroupBy;
import budgetbot.config.Metric;
import budgetbot.config.RuleConfig;
import budgetbot.config.Selection;
import budgetbot.rules.Finding;
import budgetbot.rules.Kind;
import budgetbot.time.PeriodUnit;
import budgetbot.time.Window;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** What a backtest keeps of thousands of checks: the peaks, and a chart no wider than a screen. */
class ReplayLogTest {
    private static final Instant FROM = Instant.parse("2026-11-01T00:00:00Z");
    private static final BigDecimal LIMIT = BigDecimal.valueOf(1000);
    private static final RuleConfig RULE = new RuleConfig("r", "0 */5 * * * ?", Selection.of(List.of("*")),
            Selection.of(List.of("*")), GroupBy.KEY, List.of(new Budget(Metric.TOKENS, PeriodUnit.DAY, LIMIT,
            List.of(new BigDecimal("0.5"), BigDecimal.ONE), false, new BigDecimal("0.1"))), List.of(), List.of("slack"),
            Optional.empty(), Duration.ofMinutes(30));

    private static Finding used(String group, long used) {
        return new Finding("r", Kind.BUDGET, "budget[0]:tokens/day", group, Metric.TOKENS, PeriodUnit.DAY,
                new Window(FROM, FROM.plus(Duration.ofDays(1))), false, BigDecimal.ZERO, BigDecimal.valueOf(used),
                Optional.of(LIMIT), Optional.empty(), Optional.empty(), Optional.empty(), List.of(), List.of(group),
                List.of("m"));
    }

    @Test
    void keepsThePeakAndDrawsTheClosestGroupsWithTheHighestValueOfEachRunOfSteps() {
        // 2,000 steps: more than a chart draws, so runs of 3 steps become one point
        ReplayLog log = new ReplayLog(List.of(RULE), FROM, FROM.plus(Duration.ofMinutes(5 * 1999)),
                Duration.ofMinutes(5), ZoneOffset.UTC, "CNY");
        assertThat(log.times()).hasSize(2000);
        for (int i = 0; i < 2000; i++) {
            List<Finding> findings = new ArrayList<>();
            for (int g = 0; g < 7; g++) {
                // g6 is the highest, and peaks at step 1000; g0 the lowest
                findings.add(used("g" + g, g * 100L + (i == 1000 && g == 6 ? 500 : i % 3)));
            }
            log.checked("r", i, findings, List.of(), List.of());
        }
        RuleReport r = log.report().rules().get(0);

        assertThat(r.budgetPeak()).hasValueSatisfying(p -> {
            assertThat(p.at()).isEqualTo(FROM.plus(Duration.ofMinutes(5 * 1000)));
            assertThat(p.finding().group()).isEqualTo("g6");
            assertThat(p.value()).isEqualByComparingTo("1.1");
        });
        Chart chart = r.chart().orElseThrow();
        assertThat(chart.times()).hasSize(667).startsWith(FROM, FROM.plus(Duration.ofMinutes(15)));
        assertThat(chart.lines()).extracting(Chart.Line::group).containsExactly("g6", "g5", "g4", "g3", "g2");
        List<BigDecimal> g5 = chart.lines().get(1).values();
        assertThat(g5).hasSize(667);
        assertThat(g5.subList(0, 666)).allSatisfy(v -> assertThat(v).isEqualByComparingTo("502"));
        assertThat(g5.get(666)).as("the last run, steps 1998 and 1999").isEqualByComparingTo("501");
        assertThat(chart.lines().get(0).values().get(333)).as("the run holding step 1000")
                .isEqualByComparingTo("1100");
        assertThat(chart.limit()).contains(LIMIT);
        assertThat(chart.thresholds()).containsExactly(new BigDecimal("0.5"), BigDecimal.ONE);
    }

    @Test
    void anAnomalyRuleChartsEachGroupsLastHourWithTheMostUnusualFirst() {
        RuleConfig spikes = new RuleConfig("s", "0 */5 * * * ?", Selection.of(List.of("*")), Selection.of(List.of("*")),
                GroupBy.KEY, List.of(), List.of(), List.of("slack"), Optional.empty(), Duration.ofMinutes(30),
                List.of(new Anomaly(Metric.TOKENS, BigDecimal.TEN, new BigDecimal("3.5"), new BigDecimal("1.5"), 4)),
                Set.of());
        ReplayLog log = new ReplayLog(List.of(spikes), FROM, FROM.plus(Duration.ofHours(2)), Duration.ofHours(1),
                ZoneOffset.UTC, "CNY");
        for (int i = 0; i < 3; i++) {
            // "calm" uses more, "spiky" is further above its usual value at step 1
            log.checked("s", i, List.of(hour("calm", 5000, "0.1"), hour("spiky", i == 1 ? 3000 : 1000,
                    i == 1 ? "2" : "0")), List.of(), List.of());
        }

        Chart chart = log.report().rules().get(0).chart().orElseThrow();

        assertThat(chart.condition()).isEqualTo("anomaly[0]:tokens/hour");
        assertThat(chart.lines()).extracting(Chart.Line::group).containsExactly("spiky", "calm");
        assertThat(chart.lines().get(0).values()).extracting(BigDecimal::longValue).containsExactly(1000L, 3000L, 1000L);
        assertThat(chart.limit()).isEmpty();
    }

    private static Finding hour(String group, long used, String increase) {
        return new Finding("s", Kind.ANOMALY, "anomaly[0]:tokens/hour", group, Metric.TOKENS, PeriodUnit.HOUR,
                new Window(FROM, FROM.plus(Duration.ofHours(1))), false, BigDecimal.ZERO, BigDecimal.valueOf(used),
                Optional.empty(), Optional.empty(), Optional.of(new BigDecimal(increase)), Optional.empty(), List.of(),
                List.of(group), List.of("m"));
    }
}

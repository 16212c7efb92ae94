package budgetbot.rules;

import budgetbot.config.GroupBy;
import budgetbot.config.RuleConfig;
import budgetbot.time.PeriodCalendar;
import budgetbot.time.PeriodUnit;
import budgetbot.time.Window;
import budgetbot.usage.Series;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static budgetbot.rules.Ledger.t;
import static budgetbot.rules.Rules.growth;
import static budgetbot.rules.Rules.rule;
import static org.assertj.core.api.Assertions.assertThat;

class GrowthTest {
    private static final Series SERIES = new Series("k1", "m1");
    private static final Instant AT = t("2026-11-27T12:00:00+08:00");

    @ParameterizedTest(name = "baseline {0}, now {1}, increase >= {2}, min baseline {3}: active {4}, increase {5}")
    @CsvSource({
            "100, 150,  0.5, 0,   true,  0.5000",
            "100, 149,  0.5, 0,   false, 0.4900",
            "100, 1000, 0.5, 100, true,  9.0000",
            "50,  500,  0.5, 100, false, 9.0000",
            "0,   500,  0.5, 0,   false, ",
            "200, 100,  0.5, 0,   false, -0.5000",
            "200, 200,  0,   0,   true,  0.0000",
    })
    void growthComparesWithTheSameSpanOfThePreviousPeriod(long baseline, long now, String increase,
                                                           String minBaseline, boolean active, BigDecimal change) {
        Ledger ledger = new Ledger()
                .add(SERIES, "2026-11-26T08:00:00+08:00", baseline)
                // after the same span yesterday: not part of the baseline
                .add(SERIES, "2026-11-26T15:00:00+08:00", 100_000)
                .add(SERIES, "2026-11-27T08:00:00+08:00", now);
        RuleConfig rule = rule(GroupBy.ALL, List.of("k1"), List.of("m1"), List.of(),
                List.of(growth(PeriodUnit.DAY, increase, minBaseline)));
        Evaluator evaluator = new Evaluator(PeriodCalendar.of(EvaluatorTest.SHANGHAI), EvaluatorTest.PRICES);

        Finding f = evaluator.evaluate(rule, AT, ledger.snapshot(evaluator, rule, AT)).get(0);

        assertThat(f.kind()).isEqualTo(Kind.GROWTH);
        assertThat(f.condition()).isEqualTo("growth[0]:tokens/day");
        assertThat(f.used()).isEqualByComparingTo(BigDecimal.valueOf(now));
        assertThat(f.baseline())
                .hasValueSatisfying(b -> assertThat(b).isEqualByComparingTo(BigDecimal.valueOf(baseline)));
        assertThat(f.increase()).isEqualTo(Optional.ofNullable(change));
        assertThat(f.active()).isEqualTo(active);
        assertThat(f.level()).isEqualByComparingTo(active ? "1" : "0");
        assertThat(f.limit()).isEmpty();
        assertThat(f.window()).isEqualTo(new Window(t("2026-11-27T00:00:00+08:00"), t("2026-11-28T00:00:00+08:00")));
    }
}

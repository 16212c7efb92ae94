package budgetbot.digest;

import budgetbot.config.BotConfig;
import budgetbot.config.DigestConfig;
import budgetbot.config.GroupBy;
import budgetbot.time.PeriodCalendar;
import budgetbot.time.PeriodUnit;
import budgetbot.time.Window;
import budgetbot.usage.Series;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static budgetbot.digest.Fixture.ZONE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DigestPlanTest {
    private static Instant local(String t) {
        return LocalDateTime.parse(t).atZone(ZONE).toInstant();
    }

    @ParameterizedTest(name = "{0} digest at {1}: report {2}..{3}, comparison from {4}")
    @CsvSource({
            "DAY,   2026-11-27T08:00, 2026-11-26T00:00, 2026-11-27T00:00, 2026-11-25T00:00",
            "DAY,   2026-11-27T00:00, 2026-11-26T00:00, 2026-11-27T00:00, 2026-11-25T00:00",
            "WEEK,  2026-11-30T09:00, 2026-11-23T00:00, 2026-11-30T00:00, 2026-11-16T00:00",
            "MONTH, 2026-12-01T09:00, 2026-11-01T00:00, 2026-12-01T00:00, 2026-10-01T00:00",
            "HOUR,  2026-11-27T08:05, 2026-11-27T07:00, 2026-11-27T08:00, 2026-11-27T06:00",
    })
    void reportsOnThePreviousCompletePeriodAgainstTheOneBefore(PeriodUnit period, String at, String reportStart,
                                                               String reportEnd, String comparisonStart) {
        DigestPlan plan = DigestPlan.of(Fixture.digest(period, List.of("prod"), List.of(), List.of()),
                Fixture.config(), local(at));

        assertThat(plan.report()).isEqualTo(new Window(local(reportStart), local(reportEnd)));
        assertThat(plan.comparison()).isEqualTo(new Window(local(comparisonStart), local(reportStart)));
        assertThat(plan.current()).isEqualTo(new Window(local(reportEnd), local(at)));
        assertThat(plan.windows()).containsExactlyInAnyOrder(plan.report(), plan.comparison(), plan.current());
    }

    @Test
    void monthDigestFollowsTheBillingDay() {
        BotConfig cfg = new BotConfig(Fixture.config().file(), new PeriodCalendar(ZONE, DayOfWeek.MONDAY, 15),
                null, null, Fixture.PRICES, Map.of(), List.of(Fixture.prod()), List.of(),
                Optional.empty());
        DigestPlan plan = DigestPlan.of(Fixture.digest(PeriodUnit.MONTH, List.of("prod"), List.of(), List.of()),
                cfg, local("2026-11-20T09:00"));

        assertThat(plan.report()).isEqualTo(new Window(local("2026-10-15T00:00"), local("2026-11-15T00:00")));
        assertThat(plan.comparison().start()).isEqualTo(local("2026-09-15T00:00"));
    }

    @Test
    void coversEveryKeyAndModelOfEachRulePlusTheDigestsOwnKeys() {
        BotConfig cfg = Fixture.config(Fixture.PRICES, List.of(Fixture.prod(),
                Fixture.rule("batch", GroupBy.KEY, List.of("k3"), List.of("big"))));
        DigestConfig d = Fixture.digest(PeriodUnit.DAY, List.of("prod", "batch"), List.of("k1", "k9"),
                List.of("small"));

        DigestPlan plan = DigestPlan.of(d, cfg, Fixture.AT);

        assertThat(plan.groups()).extracting(DigestGroup::name).containsExactly("prod", "batch",
                DigestPlan.EXTRA_GROUP);
        assertThat(plan.groups().get(0).series()).containsExactly(Fixture.K1_BIG, Fixture.K1_SMALL,
                Fixture.K2_BIG, Fixture.K2_SMALL);
        assertThat(plan.groups().get(2).series()).containsExactly(new Series("k1", "small"),
                new Series("k9", "small"));
        assertThat(plan.series()).containsExactly(Fixture.K1_BIG, Fixture.K1_SMALL, Fixture.K2_BIG,
                Fixture.K2_SMALL, new Series("k3", "big"), new Series("k9", "small"));
    }

    @Test
    void refusesAnUndefinedRule() {
        DigestConfig d = Fixture.digest(PeriodUnit.DAY, List.of("prdo"), List.of(), List.of());

        assertThatThrownBy(() -> DigestPlan.of(d, Fixture.config(), Fixture.AT))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("undefined rule \"prdo\"");
    }

    @Test
    void refusesADigestThatCoversNothing() {
        DigestConfig d = Fixture.digest(PeriodUnit.DAY, List.of(), List.of("k1"), List.of());

        assertThatThrownBy(() -> DigestPlan.of(d, Fixture.config(), Fixture.AT))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("covers no series");
    }
}

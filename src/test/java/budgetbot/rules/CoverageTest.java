package budgetbot.rules;

import budgetbot.config.Budget;
import budgetbot.config.GroupBy;
import budgetbot.config.Located;
import budgetbot.config.Metric;
import budgetbot.config.ModelPrice;
import budgetbot.config.Prices;
import budgetbot.config.RuleConfig;
import budgetbot.config.Selection;
import budgetbot.time.PeriodUnit;
import budgetbot.usage.ApiKey;
import budgetbot.usage.Series;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** A rule's keys and models checked against the keys UCloud lists. */
class CoverageTest {
    static final Instant AT = Instant.parse("2026-11-20T04:00:00Z");
    static final String R1 = "deepseek-ai/DeepSeek-R1";
    static final String QWQ = "Qwen/QwQ-32B";
    static final String FLUX = "black-forest-labs/FLUX.1-dev";
    static final List<ApiKey> KEYS = List.of(
            new ApiKey("uminferapikey-prod", "prod", true, Optional.empty(), Optional.of(List.of(R1, QWQ))),
            new ApiKey("uminferapikey-batch", "batch", true, Optional.of(AT.plusSeconds(60)), Optional.of(List.of(R1))),
            new ApiKey("uminferapikey-old", "old", true, Optional.of(AT), Optional.of(List.of(R1))),
            new ApiKey("uminferapikey-off", "off", false, Optional.empty(), Optional.of(List.of())),
            new ApiKey("uminferapikey-art", "art", true, Optional.empty(), Optional.of(List.of(FLUX))));
    static final Prices PRICES = new Prices("CNY", Map.of(R1, new ModelPrice(BigDecimal.ONE, BigDecimal.ONE,
            BigDecimal.ZERO)));

    static Stream<Arguments> scopes() {
        return Stream.of(
                arguments("all fine", "uminferapikey-prod,uminferapikey-batch", R1, Metric.TOKENS,
                        List.of("uminferapikey-prod x " + R1, "uminferapikey-batch x " + R1), List.of()),
                arguments("a typo", "uminferapikey-prdo,uminferapikey-batch", R1, Metric.TOKENS,
                        List.of("uminferapikey-batch x " + R1),
                        List.of("keys[0] unknown-key:uminferapikey-prdo: unknown key \"uminferapikey-prdo\"; did you"
                                + " mean `uminferapikey-prod`?; the project's keys: uminferapikey-prod,"
                                + " uminferapikey-batch, uminferapikey-old, uminferapikey-off, uminferapikey-art")),
                arguments("disabled and expired", "uminferapikey-off,uminferapikey-old,uminferapikey-prod", R1,
                        Metric.TOKENS, List.of("uminferapikey-prod x " + R1), List.of(
                                "keys[0] disabled-key:uminferapikey-off: key \"uminferapikey-off\" is disabled in UCloud",
                                "keys[1] expired-key:uminferapikey-old: key \"uminferapikey-old\" expired at " + AT)),
                arguments("not granted", "uminferapikey-prod,uminferapikey-batch", R1 + "," + QWQ, Metric.TOKENS,
                        List.of("uminferapikey-prod x " + R1, "uminferapikey-prod x " + QWQ,
                                "uminferapikey-batch x " + R1),
                        List.of("models[1] not-granted:uminferapikey-batch x " + QWQ + ": key \"uminferapikey-batch\""
                                + " may not call model \"" + QWQ + "\"; it may call: " + R1)),
                arguments("an unknown model", "uminferapikey-prod", "deepseek-ai/DeepSeek-R2," + QWQ, Metric.TOKENS,
                        List.of("uminferapikey-prod x " + QWQ),
                        List.of("models[0] unknown-model:deepseek-ai/DeepSeek-R2: unknown model"
                                + " \"deepseek-ai/DeepSeek-R2\": no key of the project may call it; did you mean `"
                                + R1 + "`?; models they may call: " + R1 + ", " + QWQ + ", " + FLUX)),
                arguments("every usable key", "*", R1, Metric.TOKENS,
                        List.of("uminferapikey-prod x " + R1, "uminferapikey-batch x " + R1), List.of()),
                arguments("every model of each key", "uminferapikey-prod,uminferapikey-art", "*", Metric.TOKENS,
                        List.of("uminferapikey-prod x " + R1, "uminferapikey-prod x " + QWQ,
                                "uminferapikey-art x " + FLUX), List.of()),
                arguments("every key and model, priced", "*", "*", Metric.COST,
                        List.of("uminferapikey-prod x " + R1, "uminferapikey-prod x " + QWQ,
                                "uminferapikey-batch x " + R1, "uminferapikey-art x " + FLUX),
                        List.of("models no-price:" + QWQ + ": model \"" + QWQ + "\" has no price under prices.models:"
                                        + " its cost counts as zero",
                                "models no-price:" + FLUX + ": model \"" + FLUX + "\" has no price under"
                                        + " prices.models: its cost counts as zero")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scopes")
    void watchesWhatUCloudServesAndSaysWhatItCannot(String scenario, String keys, String models, Metric metric,
                                                   List<String> series, List<String> problems) {
        Coverage c = Coverage.of(rule(keys, models, metric), KEYS, AT, PRICES);

        assertThat(c.checked()).isTrue();
        assertThat(c.series()).extracting(Series::toString).containsExactlyElementsOf(series);
        assertThat(c.problems()).extracting(p -> p.where().path() + " " + p.cause() + ": " + p.message())
                .containsExactlyElementsOf(problems);
        // the resolved rule evaluates like any other: its series include those with nothing granted
        assertThat(Grouping.series(c.rule())).containsAll(c.series());
    }

    @Test
    void aKeyWhoseModelsUCloudWouldNotListMayCallAnyButTheStarCannotListThem() {
        List<ApiKey> keys = List.of(KEYS.get(0), new ApiKey("uminferapikey-any", "any", true, Optional.empty(),
                Optional.empty()));

        Coverage named = Coverage.of(rule("uminferapikey-any,uminferapikey-prod", "vendor/unlisted," + R1,
                Metric.TOKENS), keys, AT, PRICES);
        Coverage every = Coverage.of(rule("*", "*", Metric.TOKENS), keys, AT, PRICES);

        assertThat(named.series()).extracting(Series::toString).containsExactly("uminferapikey-any x vendor/unlisted",
                "uminferapikey-any x " + R1, "uminferapikey-prod x " + R1);
        assertThat(named.problems()).extracting(Coverage.Problem::cause)
                .containsExactly("not-granted:uminferapikey-prod x vendor/unlisted");
        assertThat(every.series()).extracting(Series::toString).containsExactly("uminferapikey-prod x " + R1,
                "uminferapikey-prod x " + QWQ, "uminferapikey-any x " + R1, "uminferapikey-any x " + QWQ);
        assertThat(every.problems()).extracting(Coverage.Problem::message).containsExactly("UCloud would not list"
                + " the models key \"uminferapikey-any\" may call: \"*\" covers only those other keys may call");
    }

    @Test
    void aBudgetsLimitForAKeyTheProjectDoesNotHaveIsAProblemWithADidYouMean() {
        RuleConfig rule = new RuleConfig("r", "0 */5 * * * ?", selection("keys", 3, "*"), selection("models", 4, R1),
                GroupBy.KEY, List.of(new Budget(Metric.TOKENS, PeriodUnit.DAY, BigDecimal.TEN,
                Map.of("uminferapikey-prd", BigDecimal.ONE, "uminferapikey-prod", BigDecimal.TEN),
                List.of(BigDecimal.ONE), false, BigDecimal.ZERO)), List.of(), List.of("ops"), Optional.empty(),
                Duration.ofMinutes(30));

        Coverage c = Coverage.of(rule, KEYS, AT, PRICES);

        assertThat(c.problems()).singleElement().satisfies(p -> {
            assertThat(p.cause()).isEqualTo("unknown-limit-key:uminferapikey-prd");
            assertThat(p.message()).isEqualTo("a budget's limit names key \"uminferapikey-prd\", which the project"
                    + " does not have: that limit applies to no key; did you mean `uminferapikey-prod`?");
        });
    }

    @Test
    void everyKeyOfAProjectWithoutUsableKeysIsAProblemAtTheStar() {
        Coverage c = Coverage.of(rule("*", R1, Metric.TOKENS), KEYS.subList(2, 4), AT, PRICES);

        assertThat(c.series()).isEmpty();
        assertThat(c.problems()).singleElement().satisfies(p -> {
            assertThat(p.cause()).isEqualTo("no-keys");
            assertThat(p.where()).isEqualTo(new Located("*", "keys", 3, 11));
        });
    }

    @Test
    void withoutTheListARuleIsTakenAsWrittenUnlessItNamesTheStar() {
        Coverage c = Coverage.asWritten(rule("k1,k2", "m", Metric.TOKENS));

        assertThat(c.checked()).isFalse();
        assertThat(c.series()).containsExactly(new Series("k1", "m"), new Series("k2", "m"));
        assertThatThrownBy(() -> Coverage.asWritten(rule("*", "m", Metric.TOKENS)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"*\"");
    }

    /** A rule whose names are located at made-up positions: line 3 for keys, line 4 for models. */
    private static RuleConfig rule(String keys, String models, Metric metric) {
        return new RuleConfig("r", "0 */5 * * * ?", selection("keys", 3, keys), selection("models", 4, models),
                GroupBy.ALL, List.of(new Budget(metric, PeriodUnit.DAY, BigDecimal.TEN, List.of(BigDecimal.ONE),
                false, BigDecimal.ZERO)), List.of(), List.of("ops"), Optional.empty(), Duration.ofMinutes(30));
    }

    private static Selection selection(String field, int line, String names) {
        if (names.equals(Selection.EVERY)) {
            return new Selection(List.of(new Located(Selection.EVERY, field, line, 11)));
        }
        List<String> values = Arrays.asList(names.split(","));
        return new Selection(values.stream().map(v -> new Located(v, field + "[" + values.indexOf(v) + "]", line,
                12 + values.indexOf(v))).toList());
    }
}

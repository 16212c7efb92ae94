package budgetbot.render;

import budgetbot.config.Metric;
import budgetbot.notify.Message;
import budgetbot.rules.Contributor;
import budgetbot.rules.Finding;
import budgetbot.rules.Kind;
import budgetbot.rules.Projection;
import budgetbot.state.AlertEvent;
import budgetbot.state.AlertStatus;
import budgetbot.testing.Events;
import budgetbot.time.PeriodUnit;
import budgetbot.time.Window;
import budgetbot.usage.Series;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AlertFormatterTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
    private static final Window DAY = new Window(at("2026-11-27T00:00"), at("2026-11-28T00:00"));
    private static final Window MONTH = new Window(at("2026-11-01T00:00"), at("2026-12-01T00:00"));
    private static final List<Contributor> CONTRIBUTORS = List.of(
            new Contributor(new Series("uminferapikey-prod", "deepseek-v3"), big("12000000"), big("0.7317")),
            new Contributor(new Series("uminferapikey-prod", "qwen-max"), big("4400000"), big("0.2683")));

    private static Instant at(String shanghaiLocal) {
        return OffsetDateTime.parse(shanghaiLocal + "+08:00").toInstant();
    }

    private static BigDecimal big(String s) {
        return new BigDecimal(s);
    }

    /** A finding as rules would produce it, for the given kind, with the numbers of the examples. */
    static Finding finding(Kind kind, String rule, String group, Metric metric, PeriodUnit period) {
        Window window = period == PeriodUnit.MONTH ? MONTH : DAY;
        Projection projection = new Projection(big("26000000"), Optional.of(at(
                period == PeriodUnit.MONTH ? "2026-11-28T17:40" : "2026-11-27T17:40")), "recent rate of the last 3h");
        return switch (kind) {
            case BUDGET -> new Finding(rule, kind, "budget[0]:tokens/day", group, metric, period, window, true,
                    big(metric == Metric.COST ? "1" : "0.8"), big(metric == Metric.COST ? "20500000" : "16400000"),
                    Optional.of(big("20000000")),
                    Optional.empty(), Optional.empty(), Optional.of(projection), CONTRIBUTORS,
                    List.of("uminferapikey-prod"), List.of("deepseek-v3", "qwen-max"));
            case FORECAST -> new Finding(rule, kind, "budget[0]:tokens/day:forecast", group, metric, period, window,
                    true, BigDecimal.ONE, big("9000000"), Optional.of(big("20000000")), Optional.empty(),
                    Optional.empty(), Optional.of(projection), CONTRIBUTORS, List.of("uminferapikey-prod"),
                    List.of("deepseek-v3", "qwen-max"));
            case GROWTH -> new Finding(rule, kind, "growth[0]:tokens/day", group, metric, period, window, true,
                    BigDecimal.ONE, big("3400000"), Optional.empty(), Optional.of(big("1452991")),
                    Optional.of(big("1.34")), Optional.empty(), CONTRIBUTORS, List.of("uminferapikey-prod"),
                    List.of("deepseek-v3", "qwen-max"));
            case ANOMALY -> throw new IllegalArgumentException("anomaly alerts have their own: AnomalyAlertTest");
            case QUOTA -> throw new IllegalArgumentException("quota alerts have their own: QuotaE2ETest");
        };
    }

    /** The message of one event alone. */
    private static Message single(AlertEvent e) {
        return AlertFormatter.format(List.of(e));
    }

    private static Message format(Kind kind, AlertStatus status) {
        return single(Events.event(finding(kind, "prod-daily", "all", Metric.TOKENS, PeriodUnit.DAY),
                status, "CNY", SHANGHAI));
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
            "BUDGET   | FIRING    | [budgetbot] prod-daily: 82% of daily token budget used (crossed 80%)",
            "BUDGET   | ESCALATED | [budgetbot] ESCALATED prod-daily: 82% of daily token budget used (crossed 80%)",
            "BUDGET   | REMINDER  | [budgetbot] REMINDER prod-daily: 82% of daily token budget used (crossed 80%)",
            "BUDGET   | RESOLVED  | [budgetbot] RESOLVED prod-daily: daily token usage back below the budget thresholds",
            "FORECAST | FIRING    | [budgetbot] prod-daily: 45% of daily token budget used; at this rate over the limit at 17:40",
            "FORECAST | ESCALATED | [budgetbot] ESCALATED prod-daily: 45% of daily token budget used; at this rate over the limit at 17:40",
            "FORECAST | REMINDER  | [budgetbot] REMINDER prod-daily: 45% of daily token budget used; at this rate over the limit at 17:40",
            "FORECAST | RESOLVED  | [budgetbot] RESOLVED prod-daily: daily token budget no longer forecast to be exceeded",
            "GROWTH   | FIRING    | [budgetbot] prod-daily: daily tokens up 134% vs the previous period",
            "GROWTH   | ESCALATED | [budgetbot] ESCALATED prod-daily: daily tokens up 134% vs the previous period",
            "GROWTH   | REMINDER  | [budgetbot] REMINDER prod-daily: daily tokens up 134% vs the previous period",
            "GROWTH   | RESOLVED  | [budgetbot] RESOLVED prod-daily: daily token growth back to normal",
    })
    void subjectSaysKindAndStatus(Kind kind, AlertStatus status, String subject) {
        Message m = format(kind, status);

        assertThat(m.subject()).isEqualTo(subject);
        assertThat(m.kind()).isEqualTo("alert");
        assertThat(m.text()).startsWith(subject.substring("[budgetbot] ".length()) + "\n");
    }

    @ParameterizedTest(name = "{0} {1} {2} {3}")
    @CsvSource(delimiter = '|', value = {
            "BUDGET   | COST          | MONTH | uminferapikey-prod | [budgetbot] prod-daily (uminferapikey-prod): 102% of monthly cost budget used (crossed 100%)",
            "BUDGET   | INPUT_TOKENS  | HOUR  | all                | [budgetbot] prod-daily: 82% of hourly input token budget used (crossed 80%)",
            "BUDGET   | OUTPUT_TOKENS | WEEK  | all                | [budgetbot] prod-daily: 82% of weekly output token budget used (crossed 80%)",
            "BUDGET   | REQUESTS      | DAY   | all                | [budgetbot] prod-daily: 82% of daily request budget used (crossed 80%)",
            "BUDGET   | IMAGES        | DAY   | all                | [budgetbot] prod-daily: 82% of daily image budget used (crossed 80%)",
            "FORECAST | COST          | MONTH | all                | [budgetbot] prod-daily: 45% of monthly cost budget used; at this rate over the limit at Sat 28 Nov 17:40",
            "GROWTH   | COST          | WEEK  | k x m              | [budgetbot] prod-daily (k x m): weekly cost up 134% vs the previous period",
            "GROWTH   | REQUESTS      | HOUR  | all                | [budgetbot] prod-daily: hourly requests up 134% vs the previous period",
    })
    void subjectAdaptsToMetricPeriodAndGroup(Kind kind, Metric metric, PeriodUnit period, String group, String subject) {
        Message m = single(Events.event(finding(kind, "prod-daily", group, metric, period),
                AlertStatus.FIRING, "CNY", SHANGHAI));

        assertThat(m.subject()).isEqualTo(subject);
    }

    @Test
    void growthFromNothingHasNoPercentage() {
        Finding f = finding(Kind.GROWTH, "r", "all", Metric.TOKENS, PeriodUnit.DAY);
        Finding fromZero = new Finding(f.rule(), f.kind(), f.condition(), f.group(), f.metric(), f.period(), f.window(),
                true, f.level(), f.used(), f.limit(), Optional.of(BigDecimal.ZERO), Optional.empty(), f.forecast(),
                f.contributors(), f.keys(), f.models());

        Message m = single(Events.event(fromZero, AlertStatus.FIRING, "CNY", SHANGHAI));

        assertThat(m.subject()).isEqualTo("[budgetbot] r: daily tokens up from zero vs the previous period");
        assertThat(m.text()).contains("Growth: 3,400,000 tokens now vs none in the same span of the previous period");
    }

    @Test
    void bodyCarriesTheNumbersPeriodForecastAndContributors() {
        Message m = format(Kind.BUDGET, AlertStatus.FIRING);

        assertThat(m.text()).contains(
                "Used: 16,400,000 of 20,000,000 tokens (82%)",
                "Threshold crossed: 80%",
                "Forecast: 26,000,000 tokens by the end of the period (recent rate of the last 3h)",
                "Limit: reached at 17:40 at this rate",
                "Status: firing",
                "  - uminferapikey-prod × deepseek-v3: 12,000,000 tokens (73%)",
                "  - uminferapikey-prod × qwen-max: 4,400,000 tokens (27%)",
                "Period: day 2026-11-27 00:00 – 2026-11-28 00:00 (Asia/Shanghai)",
                "Rule prod-daily, group all: daily token budget of 20,000,000 tokens; keys: uminferapikey-prod;"
                        + " models: deepseek-v3, qwen-max");
        assertThat(m.text()).doesNotContain("budget[0]");
        assertThat(m.html()).contains("16,400,000 of 20,000,000 tokens (82%)", "<li>uminferapikey-prod × deepseek-v3");
        assertThat(m.slackBlocks()).contains("16,400,000 of 20,000,000 tokens (82%)");
        assertThat(m.images()).isEmpty();
    }

    @Test
    void growthBodyComparesWithThePreviousPeriod() {
        Message m = format(Kind.GROWTH, AlertStatus.FIRING);

        assertThat(m.text()).contains("Used: 3,400,000 tokens so far",
                "Growth: +134%: 3,400,000 tokens now vs 1,452,991 tokens in the same span of the previous period");
    }

    @Test
    void costHasCurrencyAndTwoDecimals() {
        Finding f = finding(Kind.BUDGET, "spend", "all", Metric.COST, PeriodUnit.MONTH);
        Finding cost = new Finding(f.rule(), f.kind(), f.condition(), f.group(), f.metric(), f.period(), f.window(),
                true, BigDecimal.ONE, big("1234.5"), Optional.of(big("1200")), Optional.empty(), Optional.empty(),
                Optional.empty(), List.of(new Contributor(new Series("k", "m"), big("1234.5"), BigDecimal.ONE)),
                f.keys(), f.models());

        Message m = single(Events.event(cost, AlertStatus.FIRING, "CNY", SHANGHAI));

        assertThat(m.text()).contains("Used: CNY 1,234.50 of CNY 1,200.00 (102%)", "k × m: CNY 1,234.50 (100%)");
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"BUDGET, FIRING", "FORECAST, ESCALATED", "GROWTH, REMINDER", "GROWTH, RESOLVED"})
    void blocksAreBlockKitWithinSlackLimits(Kind kind, AlertStatus status) throws Exception {
        String longRule = "rule-" + "x".repeat(300);
        List<String> manyKeys = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            manyKeys.add("uminferapikey-" + "k".repeat(20) + i);
        }
        Finding f = finding(kind, longRule, "all", Metric.TOKENS, PeriodUnit.DAY);
        Finding big = new Finding(f.rule(), f.kind(), f.condition(), f.group(), f.metric(), f.period(), f.window(),
                f.active(), f.level(), f.used(), f.limit(), f.baseline(), f.increase(), f.forecast(), f.contributors(),
                manyKeys, f.models());

        Message m = single(Events.event(big, status, "CNY", SHANGHAI));

        JsonNode blocks = JSON.readTree(m.slackBlocks());
        assertThat(blocks.isArray()).isTrue();
        assertThat(blocks.get(0).get("type").asText()).isEqualTo("header");
        assertThat(blocks.get(0).get("text").get("type").asText()).isEqualTo("plain_text");
        assertThat(blocks.get(0).get("text").get("text").asText()).hasSizeLessThanOrEqualTo(150).contains("rule-xxx");
        List<String> types = new ArrayList<>();
        blocks.forEach(b -> types.add(b.get("type").asText()));
        assertThat(types).containsExactly("header", "section", "section", "context");
        JsonNode fields = blocks.get(1).get("fields");
        assertThat(fields.size()).isBetween(1, 10);
        fields.forEach(field -> assertThat(field.get("text").asText()).hasSizeLessThanOrEqualTo(2000));
        assertThat(blocks.get(2).get("text").get("text").asText()).startsWith("*Top contributors*").hasSizeLessThanOrEqualTo(3000);
        blocks.get(3).get("elements").forEach(e -> assertThat(e.get("text").asText()).hasSizeLessThanOrEqualTo(3000));
        assertThat(m.text()).contains("and 490 more");
    }

    @Test
    void namesAreEscapedForSlackAndHtmlButNotInPlainText() throws Exception {
        Finding f = finding(Kind.BUDGET, "r<&>", "<key&1>", Metric.TOKENS, PeriodUnit.DAY);
        Finding odd = new Finding(f.rule(), f.kind(), f.condition(), f.group(), f.metric(), f.period(), f.window(),
                true, f.level(), f.used(), f.limit(), f.baseline(), f.increase(), f.forecast(),
                List.of(new Contributor(new Series("<key&1>", "m>x"), big("5"), BigDecimal.ONE)),
                List.of("<key&1>"), List.of("m>x"));

        Message m = single(Events.event(odd, AlertStatus.FIRING, "CNY", SHANGHAI));

        List<String> mrkdwn = new ArrayList<>();
        JSON.readTree(m.slackBlocks()).forEach(b -> collectMrkdwn(b, mrkdwn));
        assertThat(mrkdwn).isNotEmpty().allSatisfy(t -> assertThat(t).doesNotContain("<", ">").doesNotContainPattern("&(?!amp;|lt;|gt;)"));
        assertThat(String.join("\n", mrkdwn)).contains("&lt;key&amp;1&gt; × m&gt;x", "r&lt;&amp;&gt;");
        assertThat(m.html()).contains("&lt;key&amp;1&gt; × m&gt;x", "r&lt;&amp;&gt;").doesNotContain("<key&1>", "r<&>");
        assertThat(m.text()).contains("<key&1> × m>x");
        assertThat(m.subject()).isEqualTo("[budgetbot] r<&> (<key&1>): 82% of daily token budget used (crossed 80%)");
    }

    private static Finding with(Finding f, BigDecimal level, BigDecimal used, Optional<Projection> forecast) {
        return new Finding(f.rule(), f.kind(), f.condition(), f.group(), f.metric(), f.period(), f.window(),
                f.active(), level, used, f.limit(), f.baseline(), f.increase(), forecast, f.contributors(), f.keys(),
                f.models());
    }

    private static AlertEvent event(Finding f, AlertStatus status) {
        return Events.event(f, status, "CNY", SHANGHAI);
    }

    @Test
    void overTheLimitSaysWhenItWasCrossedAndNeverThatItIsStillAhead() {
        Finding budget = finding(Kind.BUDGET, "prod-daily", "all", Metric.TOKENS, PeriodUnit.DAY);
        Projection crossed = new Projection(big("6200000"), Optional.of(at("2026-11-27T14:40")),
                "recent rate over the last 3h");
        Finding over = with(budget, BigDecimal.ONE, big("21931740"), Optional.of(crossed));

        Message m = single(event(over, AlertStatus.ESCALATED));

        assertThat(m.subject()).isEqualTo("[budgetbot] ESCALATED prod-daily: 109% of daily token budget used (crossed 100%)");
        assertThat(m.text()).contains("Used: 21,931,740 of 20,000,000 tokens (109%)",
                "Forecast: 6,200,000 tokens by the end of the period (recent rate over the last 3h)",
                "Limit: crossed at 14:40, already over").doesNotContain("not reached", "reached at");
        Finding unknown = with(over, BigDecimal.ONE, over.used(), Optional.of(new Projection(big("6200000"),
                Optional.empty(), "recent rate over the last 3h")));
        assertThat(single(event(unknown, AlertStatus.FIRING)).text())
                .contains("Limit: already over").doesNotContain("not reached");
        Finding noForecast = with(over, BigDecimal.ONE, over.used(), Optional.empty());
        assertThat(single(event(noForecast, AlertStatus.FIRING)).text()).contains("Limit: already over");
    }

    @Test
    void thresholdAndForecastOfOneBudgetAreOneMessageWithTheNumbersOnce() throws Exception {
        Finding budget = finding(Kind.BUDGET, "prod-daily", "k1", Metric.TOKENS, PeriodUnit.DAY);
        Finding forecast = finding(Kind.FORECAST, "prod-daily", "k1", Metric.TOKENS, PeriodUnit.DAY);
        Finding sameNumbers = with(forecast, BigDecimal.ONE, budget.used(), budget.forecast());

        Message m = AlertFormatter.format(List.of(event(budget, AlertStatus.FIRING),
                event(sameNumbers, AlertStatus.FIRING)));

        assertThat(m.subject()).isEqualTo("[budgetbot] prod-daily (k1): 82% of daily token budget used (crossed 80%);"
                + " at this rate over the limit at 17:40");
        assertThat(m.text()).containsOnlyOnce("Used: ").containsOnlyOnce("Top contributors")
                .contains("Status: threshold firing, forecast firing");
        assertThat(JSON.readTree(m.slackBlocks()).get(0).at("/text/text").asText())
                .isEqualTo(":warning: prod-daily (k1): 82% of daily token budget used (crossed 80%);"
                        + " at this rate over the limit at 17:40");
    }

    @Test
    void budgetAndGrowthOfOneGroupAreOneMessageWithAPartEach() throws Exception {
        Finding budget = finding(Kind.BUDGET, "prod-daily", "all", Metric.TOKENS, PeriodUnit.DAY);
        Finding growth = finding(Kind.GROWTH, "prod-daily", "all", Metric.TOKENS, PeriodUnit.DAY);

        Message m = AlertFormatter.format(List.of(event(budget, AlertStatus.ESCALATED),
                event(growth, AlertStatus.FIRING)));

        assertThat(m.subject()).isEqualTo("[budgetbot] ESCALATED prod-daily: 82% of daily token budget used"
                + " (crossed 80%); daily tokens up 134% vs the previous period");
        assertThat(m.text()).contains("\nDaily token budget of 20,000,000 tokens\nUsed: ",
                        "\nDaily token growth\nUsed: 3,400,000 tokens so far",
                        "Rule prod-daily, group all: daily token budget of 20,000,000 tokens, daily token growth;")
                .containsOnlyOnce("Top contributors");
        assertThat(m.html()).contains("<h3", "Daily token growth");
        JsonNode blocks = JSON.readTree(m.slackBlocks());
        List<String> types = new ArrayList<>();
        blocks.forEach(b -> types.add(b.get("type").asText()));
        assertThat(types).containsExactly("header", "section", "section", "section", "section", "section", "context");
        assertThat(blocks.get(0).at("/text/text").asText()).startsWith(":rotating_light: ");
    }

    @Test
    void eventsOfTwoGroupsAreNotOneMessage() {
        Finding a = finding(Kind.BUDGET, "r", "k1", Metric.TOKENS, PeriodUnit.DAY);
        Finding b = finding(Kind.BUDGET, "r", "k2", Metric.TOKENS, PeriodUnit.DAY);

        assertThatThrownBy(() -> AlertFormatter.format(List.of(event(a, AlertStatus.FIRING),
                event(b, AlertStatus.FIRING)))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("k2");
    }

    @Test
    void summaryNamesTheConditionInWords() {
        assertThat(AlertFormatter.summary(finding(Kind.BUDGET, "r", "k1", Metric.TOKENS, PeriodUnit.DAY)))
                .isEqualTo("daily token budget at 82% for k1");
        assertThat(AlertFormatter.summary(finding(Kind.FORECAST, "r", "all", Metric.COST, PeriodUnit.MONTH)))
                .isEqualTo("monthly cost budget forecast");
        assertThat(AlertFormatter.summary(finding(Kind.GROWTH, "r", "all", Metric.REQUESTS, PeriodUnit.HOUR)))
                .isEqualTo("hourly request growth +134%");
    }

    @Test
    void namesCannotMentionFormatOrLinkInSlack() throws Exception {
        String rule = "<!channel> *team* _x_";
        String key = "<@U123>~k~";
        String model = "`m` <!here|here> <http://evil.example|click>";
        Finding f = finding(Kind.BUDGET, rule, key, Metric.TOKENS, PeriodUnit.DAY);
        Finding odd = new Finding(f.rule(), f.kind(), f.condition(), f.group(), f.metric(), f.period(), f.window(),
                true, f.level(), f.used(), f.limit(), f.baseline(), f.increase(), f.forecast(),
                List.of(new Contributor(new Series(key, model), big("5"), BigDecimal.ONE)), List.of(key),
                List.of(model));

        Message m = single(event(odd, AlertStatus.FIRING));

        List<String> mrkdwn = new ArrayList<>();
        JSON.readTree(m.slackBlocks()).forEach(b -> collectMrkdwn(b, mrkdwn));
        mrkdwn.add(m.slackText());
        assertThat(mrkdwn).allSatisfy(t -> assertThat(t).doesNotContain("<", ">", "`", "*team*", "_x_", "~k~"));
        assertThat(m.slackBlocks()).as("not even the plain text header carries a mention's text")
                .doesNotContain("<!channel>", "<@U123>", "<!here");
        assertThat(m.slackText()).contains("&lt;!channel&gt; ∗team∗ ˍxˍ", "&lt;@U123&gt;∼k∼", "ˋmˋ &lt;!here|here&gt;")
                .startsWith("&lt;!channel&gt;");
        assertThat(m.text()).contains(rule, key, model);
    }

    private static void collectMrkdwn(JsonNode node, List<String> out) {
        if (node.isObject() && "mrkdwn".equals(node.path("type").asText())) {
            out.add(node.get("text").asText());
        }
        node.forEach(child -> collectMrkdwn(child, out));
    }
}

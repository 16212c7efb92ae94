package budgetbot.render;

import budgetbot.config.BudgetAction;
import budgetbot.config.Metric;
import budgetbot.digest.ActiveSilence;
import budgetbot.digest.DigestReport;
import budgetbot.digest.Fixture;
import budgetbot.guard.Action;
import budgetbot.guard.ActionEvent;
import budgetbot.notify.Message;
import budgetbot.rules.AnomalyScore;
import budgetbot.rules.Finding;
import budgetbot.rules.Kind;
import budgetbot.state.AlertEvent;
import budgetbot.state.AlertStatus;
import budgetbot.state.Notice;
import budgetbot.testing.Events;
import budgetbot.time.PeriodUnit;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.stream.Collectors;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** Every kind of message in both languages: Chinese where the config says zh-CN, the English of old otherwise. */
class LocaleTest {
    private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
    private static final KeyLabels NAMES = new KeyLabels(Map.of("uminferapikey-prod", "客服组"));
    /** English words that only a sentence left untranslated would carry into a Chinese message. */
    private static final Pattern ENGLISH = Pattern.compile("\\b(budget|used|of|vs|period|status|limit|forecast|"
            + "firing|resolved|escalated|reminder|rule|group|keys|models|tokens|requests|since|until|none|usage|"
            + "previous|growth|anomaly|expected|Top|contributors|Compared|Times|Made|Sent|late|the|at|by|per)\\b",
            Pattern.CASE_INSENSITIVE);
    /** Names, ids, models and commands: the config's and UCloud's words, in any language, and JSON's. */
    private static final String CONFIG_WORDS = "uminferapikey-[a-z]+|deepseek-[a-z0-9]+|qwen-max|Qwen/QwQ-32B"
            + "|deepseek-ai/DeepSeek-R1|prod-spend|per-key|prod|jump|spikes|`[^`]*`|Asia/Shanghai|rules\\.yml"
            + "|UCloud answered 503|not a key of this project|maintenance|daily|k[12] x (big|small)|ops"
            + "|\"[a-z_]+\":|budget\\[\\d+]:[a-z]+/[a-z]+";
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\d+}");

    /** Every message kind, by name, rendered in {@code w}. */
    static List<Map.Entry<String, Message>> messages(Words w) {
        List<Map.Entry<String, Message>> out = new ArrayList<>();
        AlertEvent budget = Events.event(AlertFormatterTest.finding(Kind.BUDGET, "prod-spend", "uminferapikey-prod",
                Metric.COST, PeriodUnit.DAY), AlertStatus.FIRING, "CNY", SHANGHAI);
        AlertEvent forecast = Events.event(AlertFormatterTest.finding(Kind.FORECAST, "prod-spend",
                "uminferapikey-prod", Metric.COST, PeriodUnit.DAY), AlertStatus.FIRING, "CNY", SHANGHAI);
        out.add(Map.entry("budget and forecast", AlertFormatter.format(List.of(budget, forecast), NAMES, w)));
        out.add(Map.entry("monthly escalation", AlertFormatter.format(List.of(Events.event(AlertFormatterTest.finding(
                Kind.BUDGET, "prod", "all", Metric.TOKENS, PeriodUnit.MONTH), AlertStatus.ESCALATED, "CNY",
                SHANGHAI)), NAMES, w)));
        for (AlertStatus s : List.of(AlertStatus.FIRING, AlertStatus.REMINDER, AlertStatus.RESOLVED)) {
            out.add(Map.entry("growth " + s, AlertFormatter.format(List.of(Events.event(AlertFormatterTest.finding(
                    Kind.GROWTH, "jump", "uminferapikey-prod", Metric.REQUESTS, PeriodUnit.DAY), s, "CNY", SHANGHAI)),
                    NAMES, w)));
        }
        for (AlertStatus s : List.of(AlertStatus.FIRING, AlertStatus.RESOLVED)) {
            out.add(Map.entry("anomaly " + s, AlertFormatter.format(List.of(AnomalyAlertTest.event(s,
                    AnomalyAlertTest.SCORED, AnomalyAlertTest.score(AnomalyScore.Basis.HOUR_OF_WEEK, "1800000",
                            "430000", 3, Optional.empty()))), NAMES, w)));
        }
        List<AlertEvent> burst = new ArrayList<>();
        for (String key : List.of("uminferapikey-prod", "uminferapikey-b", "uminferapikey-c", "uminferapikey-d")) {
            burst.add(Events.event(AlertFormatterTest.finding(Kind.BUDGET, "per-key", key, Metric.TOKENS,
                    PeriodUnit.DAY), AlertStatus.FIRING, "CNY", SHANGHAI));
        }
        out.add(Map.entry("burst", AlertFormatter.burst(burst, NAMES, w)));
        Instant since = Instant.parse("2026-11-27T01:00:00Z");
        Instant at = since.plus(Duration.ofMinutes(185));
        out.add(Map.entry("misconfigured", NoticeFormatter.format(new Notice(Notice.Kind.MISCONFIGURED, "prod",
                "uminferapikey-x: not a key of this project", since, since, SHANGHAI), w)));
        out.add(Map.entry("unavailable", NoticeFormatter.format(new Notice(Notice.Kind.UNAVAILABLE, "prod",
                "UCloud answered 503", since, at, SHANGHAI), w)));
        out.add(Map.entry("recovered", NoticeFormatter.format(new Notice(Notice.Kind.RECOVERED, "prod",
                "UCloud answered 503", since, at, SHANGHAI), w)));
        DigestReport digest = Fixture.dailyReport().withSilences(List.of(new ActiveSilence("prod",
                Optional.of("uminferapikey-prod"), at, "maintenance")));
        out.add(Map.entry("digest", DigestRenderer.render(digest, w, NAMES).message()));
        out.add(Map.entry("notify-test", TestNotice.of("ops", at, SHANGHAI, w)));
        Action cap = new Action(7, "prod-spend", "budget[0]:cost/day", "uminferapikey-prod", since,
                since.plus(Duration.ofDays(1)), "uminferapikey-prod", BudgetAction.Do.CAP, "DailyLimitAmount", "0.4",
                BudgetAction.Approval.MANUAL, false, Action.Status.APPLIED, Optional.of("0"), since, at);
        for (ActionEvent.Kind k : ActionEvent.Kind.values()) {
            out.add(Map.entry("action " + k, ActionWords.format(new ActionEvent(cap, k,
                    k.name().contains("FAILED") ? Optional.of("UCloud answered 503") : Optional.empty(), SHANGHAI),
                    w)));
        }
        for (Action.Status status : Action.Status.values()) {
            Finding f = budget.finding();
            Action doing = new Action(7, f.rule(), f.condition(), f.group(), f.window().start(), f.window().end(),
                    "uminferapikey-prod", BudgetAction.Do.DISABLE, "ModelverseDisabled", "1",
                    BudgetAction.Approval.MANUAL, false, status, Optional.of("0"), since, at);
            out.add(Map.entry("budget with its action " + status, AlertFormatter.format(List.of(budget), NAMES, w,
                    ActionWords.notes(List.of(doing), w))));
        }
        return out;
    }

    /** What a person reads on the buttons (their values are budgetbot's, in JSON). */
    private static String buttonTexts(String slackActions) {
        try {
            return slackActions.isEmpty() ? ""
                    : new ObjectMapper().readTree(slackActions).findValues("text").stream()
                    .map(t -> t.isTextual() ? t.asText() : t.path("text").asText()).collect(Collectors.joining(" "));
        } catch (JsonProcessingException e) {
            throw new AssertionError("buttons that are not JSON: " + slackActions, e);
        }
    }

    static List<Map.Entry<String, Message>> chinese() {
        return messages(Words.ZH_CN);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("chinese")
    void everyKindOfMessageIsChineseInEveryForm(Map.Entry<String, Message> named) {
        Message m = named.getValue();
        for (String form : List.of(m.subject(), m.text(), m.slackText(), m.html().replaceAll("(?s)<style>.*?</style>", "").replaceAll("<[^>]+>", " "),
                m.slackBlocks(), buttonTexts(m.slackActions()))) {
            if (form.isEmpty()) {
                continue;
            }
            String words = form.replace("budgetbot", "").replace("Token", "")
                    .replaceAll(CONFIG_WORDS, "");
            assertThat(ENGLISH.matcher(words).results().map(r -> r.group()).toList()).as(named.getKey())
                    .isEmpty();
            assertThat(form).as(named.getKey()).containsPattern("\\p{IsHan}");
        }
    }

    @Test
    void chineseAlertsNameKeysByTheirUCloudNameAndAmountsInYuan() {
        Message m = chinese().get(0).getValue();
        assertThat(m.slackText()).contains("客服组 (uminferapikey-prod)").contains("¥").doesNotContain("CNY");
        assertThat(m.slackActions()).contains("\"确认\"", "\"暂停 4 小时\"", "\"暂停 24 小时\"")
                .doesNotContain("Acknowledge", "Snooze");
        assertThat(m.subject()).startsWith("[budgetbot] prod-spend（客服组 (uminferapikey-prod)）：每日费用预算已用");
    }

    @Test
    void chineseDigestsHaveChineseDatesAndEnglishOnesStayAsTheyWere() {
        Message zh = DigestRenderer.render(Fixture.dailyReport(), Words.ZH_CN, NAMES).message();
        Message en = DigestRenderer.render(Fixture.dailyReport()).message();
        assertThat(zh.subject()).contains("2026年11月26日 周四");
        // a Chinese character takes two columns of a terminal: the text's tables still line up
        List<String> table = zh.text().lines().dropWhile(l -> !l.equals("用量")).skip(1).limit(3).toList();
        assertThat(table.get(1).indexOf("1,320,000") + "1,320,000".length())
                .isEqualTo(table.get(0).indexOf("本周期") + 2 * "本周期".length());
        assertThat(en.subject()).contains("Thu 26 Nov 2026");
        Message explicit = DigestRenderer.render(Fixture.dailyReport(), Words.EN, KeyLabels.NONE).message();
        assertThat(explicit.text()).isEqualTo(en.text());
        assertThat(explicit.slackBlocks()).isEqualTo(en.slackBlocks());
    }

    @Test
    void englishIsTheDefaultAndAnythingButChineseIsEnglish() {
        assertThat(Words.of(java.util.Locale.ENGLISH)).isSameAs(Words.EN);
        assertThat(Words.of(java.util.Locale.FRENCH)).isSameAs(Words.EN);
        assertThat(Words.of(java.util.Locale.SIMPLIFIED_CHINESE)).isSameAs(Words.ZH_CN);
        assertThat(AlertFormatter.format(List.of(Events.event(AlertFormatterTest.finding(Kind.BUDGET, "prod", "all",
                Metric.TOKENS, PeriodUnit.DAY), AlertStatus.FIRING, "CNY", SHANGHAI))).subject())
                .isEqualTo("[budgetbot] prod: 82% of daily token budget used (crossed 80%)");
    }

    @Test
    void bothLanguagesHaveTheSameSentencesWithTheSamePlaceholders() throws IOException {
        Properties en = load("words.properties");
        Properties zh = load("words_zh_CN.properties");
        assertThat(new TreeSet<>(zh.stringPropertyNames())).isEqualTo(new TreeSet<>(en.stringPropertyNames()));
        for (String key : en.stringPropertyNames()) {
            assertThat(placeholders(zh.getProperty(key))).as(key).isEqualTo(placeholders(en.getProperty(key)));
        }
    }

    private static Set<String> placeholders(String s) {
        Set<String> out = new TreeSet<>();
        Matcher m = PLACEHOLDER.matcher(s);
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    private static Properties load(String name) throws IOException {
        Properties p = new Properties();
        try (InputStream in = LocaleTest.class.getResourceAsStream("/budgetbot/render/" + name)) {
            p.load(new java.io.InputStreamReader(in, java.nio.charset.StandardCharsets.UTF_8));
        }
        return p;
    }
}

package budgetbot.render;

import budgetbot.backtest.BacktestReport;
import budgetbot.backtest.Chart;
import budgetbot.backtest.Notification;
import budgetbot.backtest.RuleReport;
import budgetbot.config.Budget;
import budgetbot.config.GroupBy;
import budgetbot.config.Growth;
import budgetbot.config.Metric;
import budgetbot.config.RuleConfig;
import budgetbot.config.Selection;
import budgetbot.rules.Finding;
import budgetbot.rules.Kind;
import budgetbot.state.AlertEvent;
import budgetbot.state.AlertStatus;
import budgetbot.state.Notice;
import budgetbot.testing.Events;
import budgetbot.time.PeriodUnit;
import budgetbot.time.Window;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import java.io.StringReader;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The page is well-formed XML as well as HTML, so these tests read it with the JDK's parser and XPath. */
class BacktestHtmlTest {
    static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");
    /** Midnight in Shanghai. */
    static final Instant FROM = Instant.parse("2026-11-26T16:00:00Z");
    static final Instant TO = FROM.plus(Duration.ofDays(1));
    static final List<Instant> TIMES = List.of(FROM, FROM.plus(Duration.ofHours(6)), FROM.plus(Duration.ofHours(12)),
            FROM.plus(Duration.ofHours(18)));
    static final String BUDGET = "budget[0]:tokens/day";
    static final String EVIL = "<script>alert(1)</script>";

    static RuleConfig rule(String name, boolean budget) {
        return new RuleConfig(name, "0 */5 * * * ?", Selection.of(List.of("key-1")), Selection.of(List.of("*")),
                GroupBy.KEY, budget ? List.of(new Budget(Metric.TOKENS, PeriodUnit.DAY, big("1000"),
                List.of(big("0.8"), big("1")), false, big("0.1"))) : List.of(), List.of(), List.of("slack", "mail"),
                Optional.empty(), Duration.ofMinutes(30));
    }

    static Finding finding(String rule, String condition, String group, String used, String level) {
        Kind kind = condition.endsWith(":forecast") ? Kind.FORECAST : Kind.BUDGET;
        return new Finding(rule, kind, condition, group, Metric.TOKENS, PeriodUnit.DAY, new Window(FROM, TO),
                new BigDecimal(level).signum() > 0, big(level), big(used), Optional.of(big("1000")), Optional.empty(),
                Optional.empty(), Optional.empty(), List.of(), List.of(group), List.of("m-1"));
    }

    static Notification sent(Instant at, String channel, AlertEvent... events) {
        Finding f = events[0].finding();
        return new Notification(at, f.rule(), f.group(), channel, "[budgetbot] " + f.rule() + " " + f.group(),
                List.of(events), Optional.empty());
    }

    static AlertEvent event(Finding f, AlertStatus status) {
        return Events.event(f, status, "CNY", ZONE);
    }

    static Chart.Line line(String group, String... values) {
        return new Chart.Line(group, Arrays.stream(values).map(BigDecimal::new).toList());
    }

    static Chart chart(Chart.Line... lines) {
        return new Chart(BUDGET, Metric.TOKENS, PeriodUnit.DAY, Optional.of(big("1000")),
                List.of(big("0.8"), big("1")), TIMES, List.of(lines));
    }

    static RuleReport report(RuleConfig rule, List<Notification> notifications, Optional<Chart> chart) {
        return new RuleReport(rule, notifications, List.of(), Optional.empty(), Optional.empty(), chart);
    }

    static BacktestReport backtest(RuleReport... rules) {
        return new BacktestReport(FROM, TO, Duration.ofHours(6), TIMES.size(), ZONE, "CNY", List.of(rules));
    }

    static BigDecimal big(String s) {
        return new BigDecimal(s);
    }

    /** The prod rule: key-1 crosses 80% at 12:00, sent to two channels, and is reminded of at 18:00. */
    static RuleReport prod() {
        Finding crossed = finding("prod", BUDGET, "key-1", "850", "0.8");
        AlertEvent firing = event(crossed, AlertStatus.FIRING);
        AlertEvent reminder = event(finding("prod", BUDGET, "key-1", "900", "0.8"), AlertStatus.REMINDER);
        return report(rule("prod", true), List.of(sent(TIMES.get(2), "slack", firing), sent(TIMES.get(2), "mail", firing),
                        sent(TIMES.get(3), "slack", reminder)),
                Optional.of(chart(line("key-1", "0", "500", "850", "900"), line("key-2", "0", "100", "200", "300"))));
    }

    @Test
    void aChartPerRuleThatHasOneAndASentenceForTheRest() throws Exception {
        Document page = parse(BacktestHtml.render(backtest(prod(), report(rule("plain", false), List.of(),
                Optional.empty())), "rules.yml"));

        assertThat(text(page, "/html/head/title")).isEqualTo("Backtest of rules.yml");
        assertThat(text(page, "/html/body/h1")).isEqualTo("Backtest of rules.yml");
        assertThat(text(page, "/html/body/p[@class='heading']")).startsWith("Backtest of rules.yml from 2026-11-27 00:00");
        assertThat(count(page, "//svg")).isEqualTo(1);
        assertThat(count(page, "//section[h2='prod']//svg")).isEqualTo(1);
        assertThat(count(page, "//section[h2='plain']//svg")).isZero();
        assertThat(text(page, "//section[h2='plain']/p[@class='none']"))
                .isEqualTo("no chart: this rule has no budget, growth or anomaly check");
        assertThat(text(page, "//section[h2='plain']/p[@class='summary']")).startsWith("plain: no alerts in 1 day");
        assertThat(text(page, "//section[h2='plain']/ul[@class='hints']/li"))
                .startsWith("hint: never alerted, and saw no usage");
        assertThat(text(page, "//section[h2='plain']")).contains("No notification would have been sent.");
        assertThat(text(page, "//figcaption")).startsWith("daily token budget (budget[0]:tokens/day): usage in the "
                + "period so far for the 2 groups that came closest; markers: alerts");
        assertThat(texts(page, "//ul[@class='legend']/li")).containsExactly("key-1", "key-2");
    }

    @Test
    void eachLineHasAPointPerTimeAndTheLimitIsAboveWhatStaysUnderIt() throws Exception {
        Document page = parse(BacktestHtml.render(backtest(prod()), "rules.yml"));

        NodeList lines = nodes(page, "//polyline");
        assertThat(lines.getLength()).isEqualTo(2);
        List<double[]> points = new ArrayList<>();
        for (int i = 0; i < lines.getLength(); i++) {
            String[] pairs = ((Element) lines.item(i)).getAttribute("points").split(" ");
            assertThat(pairs).hasSize(TIMES.size());
            Arrays.stream(pairs).map(p -> Arrays.stream(p.split(",")).mapToDouble(Double::parseDouble).toArray())
                    .forEach(points::add);
        }
        double[] first = points.get(0);
        double[] last = points.get(TIMES.size() - 1);
        assertThat(first[0]).as("x runs from the start").isLessThan(last[0]);
        double limit = Double.parseDouble(text(page, "//line[@class='level'][following-sibling::text[1]"
                + "[starts-with(., 'limit')]]/@y1"));
        double threshold = Double.parseDouble(text(page, "//line[@class='level'][following-sibling::text[1]"
                + "='80%']/@y1"));
        double under = points.get(1)[1];
        double over80 = points.get(2)[1];
        assertThat(text(page, "//line[@class='level']/following-sibling::text[1][starts-with(., 'limit')]"))
                .isEqualTo("limit 1k");
        assertThat(limit).as("the limit (1000) is drawn above 500 and 850").isLessThan(over80).isLessThan(under);
        assertThat(threshold).as("80% (800) lies between 500 and 850").isLessThan(under).isGreaterThan(over80);
        assertThat(first[1]).as("zero is at the bottom").isGreaterThan(under);
    }

    @Test
    void anAlertIsMarkedOnceOnItsLineHoweverManyChannelsItWentTo() throws Exception {
        RuleReport prod = prod();
        Finding forecast = finding("prod", BUDGET + ":forecast", "key-1", "500", "1");
        Notice notice = new Notice(Notice.Kind.UNAVAILABLE, "prod", "timeout", FROM, TIMES.get(1), ZONE);
        List<Notification> sent = new ArrayList<>(prod.notifications());
        sent.add(sent(TIMES.get(1), "slack", event(forecast, AlertStatus.FIRING)));
        sent.add(new Notification(TIMES.get(1), "prod", "", "slack", "[budgetbot] prod", List.of(), Optional.of(notice)));
        Document page = parse(BacktestHtml.render(backtest(report(prod.rule(), sent, prod.chart())), "rules.yml"));

        NodeList circles = nodes(page, "//svg/circle[starts-with(@class, 'marker')]");
        assertThat(circles.getLength()).as("firing (on two channels) and a reminder").isEqualTo(2);
        Element firing = (Element) circles.item(0);
        assertThat(firing.getAttribute("class")).isEqualTo("marker firing");
        assertThat(firing.getAttribute("fill")).isEqualTo("#c0392b");
        assertThat(((Element) circles.item(1)).getAttribute("class")).isEqualTo("marker reminder");
        String[] at850 = ((Element) nodes(page, "//polyline").item(0)).getAttribute("points").split(" ")[2].split(",");
        assertThat(firing.getAttribute("cx")).isEqualTo(at850[0]);
        assertThat(firing.getAttribute("cy")).as("on key-1's line, at 850").isEqualTo(at850[1]);
        assertThat(text(page, "//svg/circle[1]/title"))
                .isEqualTo("firing: daily token budget at 85% for key-1 (850 tokens of 1,000 tokens), 2026-11-27 12:00");
        assertThat(count(page, "//svg/polygon[starts-with(@class, 'marker')]")).as("the forecast, at the top")
                .isEqualTo(1);
        assertThat(count(page, "//table[@class='notifications']/tbody/tr")).isEqualTo(5);
        assertThat(text(page, "//tbody/tr[1]/td[1]")).isEqualTo("2026-11-27 12:00");
        assertThat(texts(page, "//tbody/tr/td[4]")).contains("notice unavailable: timeout");
    }

    @Test
    void theLinesOfAMessageAreLinesOfItsCell() {
        Finding budget = finding("prod", BUDGET, "key-1", "850", "0.8");
        Finding forecast = finding("prod", BUDGET + ":forecast", "key-1", "850", "1");
        String html = BacktestHtml.render(backtest(report(rule("prod", true), List.of(sent(TIMES.get(2), "slack",
                event(budget, AlertStatus.FIRING), event(forecast, AlertStatus.FIRING))), Optional.empty())), "r.yml");

        assertThat(html).contains("<td>firing: daily token budget at 85% for key-1 (850 tokens of 1,000 tokens)<br/>firing: "
                + "daily token budget forecast for key-1 (850 tokens of 1,000 tokens)</td>");
    }

    @Test
    void namesAreTextThatRunsNothing() throws Exception {
        Finding f = finding(EVIL, BUDGET, EVIL, "850", "0.8");
        Notice notice = new Notice(Notice.Kind.MISCONFIGURED, EVIL, EVIL, FROM, FROM, ZONE);
        RuleReport rule = report(rule(EVIL, true), List.of(
                new Notification(TIMES.get(2), EVIL, EVIL, EVIL, EVIL, List.of(event(f, AlertStatus.FIRING)),
                        Optional.empty()),
                new Notification(TIMES.get(2), EVIL, "", EVIL, EVIL, List.of(), Optional.of(notice))),
                Optional.of(chart(line(EVIL, "0", "500", "850", "900"))));

        String html = BacktestHtml.render(backtest(rule), EVIL);

        assertThat(html).doesNotContain("<script").contains("&lt;script&gt;alert(1)&lt;/script&gt;");
        Document page = parse(html);
        assertThat(count(page, "//script")).isZero();
        assertThat(text(page, "//h1")).isEqualTo("Backtest of " + EVIL);
        assertThat(text(page, "//h2")).isEqualTo(EVIL);
        assertThat(texts(page, "//ul[@class='legend']/li")).containsExactly(EVIL);
        assertThat(text(page, "//polyline/title")).isEqualTo(EVIL);
        assertThat(text(page, "//tbody/tr[1]/@title")).isEqualTo(EVIL);
        assertThat(text(page, "//tbody/tr[1]/td[2]")).isEqualTo(EVIL);
        assertThat(text(page, "//tbody/tr[1]/td[3]")).isEqualTo(EVIL);
        assertThat(text(page, "//tbody/tr[2]/td[4]")).isEqualTo("notice misconfigured: " + EVIL);
        assertThat(text(page, "//svg/circle/title")).contains("for " + EVIL);
    }

    @Test
    void aSingleCheckOfNothingDrawsNumbers() throws Exception {
        Chart empty = new Chart("growth[0]:tokens/day", Metric.TOKENS, PeriodUnit.DAY, Optional.empty(), List.of(),
                List.of(FROM), List.of(line("all", "0")));
        RuleConfig growth = new RuleConfig("g", "0 */5 * * * ?", Selection.of(List.of("key-1")),
                Selection.of(List.of("*")), GroupBy.ALL, List.of(), List.of(new Growth(Metric.TOKENS, PeriodUnit.DAY,
                big("1"), big("100"))), List.of("slack"), Optional.empty(), Duration.ofMinutes(30));
        String html = BacktestHtml.render(new BacktestReport(FROM, FROM, Duration.ofMinutes(5), 1, ZONE, "CNY",
                List.of(report(growth, List.of(), Optional.of(empty)))), "rules.yml");

        assertThat(html).doesNotContain("NaN").doesNotContain("Infinity");
        Document page = parse(html);
        assertThat(text(page, "//polyline/@points")).isEqualTo("420.0,230.0");
        assertThat(texts(page, "//svg/text")).as("the value axis of nothing, and the one moment")
                .containsExactly("0", "1", "Fri 27 Nov 2026 00:00");
        assertThat(count(page, "//line[@class='level']")).as("no limit").isZero();
        assertThat(text(page, "//figcaption")).startsWith("daily token growth check (growth[0]:tokens/day): usage in "
                + "the period so far for all;");
    }

    @Test
    void aBudgetThatMeasuredNothingSaysSo() throws Exception {
        Document page = parse(BacktestHtml.render(backtest(report(rule("idle", true), List.of(), Optional.empty())),
                "rules.yml"));

        assertThat(text(page, "//p[@class='none']")).isEqualTo("no chart: no usage was measured for it");
    }

    @Test
    void aLongSpanLabelsAWeekOfDaysAtMost() throws Exception {
        Instant to = FROM.plus(Duration.ofDays(30));
        Chart month = new Chart(BUDGET, Metric.COST, PeriodUnit.MONTH, Optional.of(big("2.5")), List.of(big("0.8")),
                List.of(FROM, to), List.of(line("all", "0.5", "1.25")));
        String html = BacktestHtml.render(new BacktestReport(FROM, to, Duration.ofDays(30), 2, ZONE, "CNY",
                List.of(report(rule("costly", true), List.of(), Optional.of(month)))), "rules.yml");

        Document page = parse(html);
        List<String> labels = texts(page, "//svg/text");
        assertThat(labels).startsWith("0", "1", "2").contains("80%", "limit 2.5")
                .contains("Fri 27 Nov", "Wed 2 Dec");
        assertThat(labels.stream().filter(l -> l.matches("[A-Z][a-z]{2} \\d+ [A-Z][a-z]{2}"))).hasSize(7);
    }

    static Document parse(String html) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new InputSource(new StringReader(html)));
    }

    static NodeList nodes(Document page, String xpath) throws Exception {
        return (NodeList) XPathFactory.newInstance().newXPath().evaluate(xpath, page, XPathConstants.NODESET);
    }

    static int count(Document page, String xpath) throws Exception {
        return nodes(page, xpath).getLength();
    }

    static String text(Document page, String xpath) throws Exception {
        NodeList found = nodes(page, xpath);
        assertThat(found.getLength()).as(xpath).isPositive();
        return found.item(0).getTextContent();
    }

    static List<String> texts(Document page, String xpath) throws Exception {
        NodeList found = nodes(page, xpath);
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < found.getLength(); i++) {
            texts.add(found.item(i).getTextContent());
        }
        return texts;
    }
}

package budgetbot.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static budgetbot.config.Fixtures.errors;
import static budgetbot.config.Fixtures.failure;
import static budgetbot.config.Fixtures.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** One fixture per kind of mistake; each must be reported with its exact message, line, column and path. */
class ConfigErrorsTest {
    static Stream<Arguments> fixtures() {
        return Stream.of(
                arguments("typo.yml", List.of(
                        "13:9 rules[0].budgets[0].thresolds: unknown field; did you mean `thresholds`?",
                        "15:5 rules[0].colour: unknown field; valid fields: name, schedule, keys, models, groupBy,"
                                + " budgets, growth, anomaly, quietDates, notify, repeat, staleAfter, summarizeAbove, quota",
                        "16:1 Timezone: unknown field; did you mean `timezone`?")),
                arguments("wrong-type.yml", List.of(
                        "4:15 ucloud.maxRetries: expected a whole number, got \"many\"",
                        "9:11 rules[0].keys: expected a list of names, or \"*\" for every one, got a number",
                        "10:13 rules[0].models: expected a list of names, or \"*\" for every one, got a string;"
                                + " write it as a list, [...], even for one item",
                        "13:16 rules[0].budgets[0].limit: expected a number such as 20M, got a list",
                        "14:19 rules[0].budgets[0].forecast: expected true or false, got \"maybe\"")),
                arguments("malformed.yml", List.of(
                        "7:11 : malformed YAML: expected ',' or ']', but got : (while parsing a flow sequence"
                                + " started at line 6, column 11)")),
                arguments("bad-indent.yml", List.of(
                        "6:3 : malformed YAML: expected <block end>, but found '?' (while parsing a block collection"
                                + " started at line 5, column 3); check the indentation: the keys of one mapping start"
                                + " in the same column, a list item's fields line up under its first field, and a tab"
                                + " counts as no indentation")),
                arguments("unquoted-star.yml", List.of(
                        "5:12 : malformed YAML: unexpected character found (10) (while scanning an alias started at"
                                + " line 5, column 11); a * alone starts a YAML alias: for every key or model write"
                                + " \"*\" in quotes (keys: \"*\")")),
                arguments("tab.yml", List.of(
                        "2:1 : malformed YAML: found character '\\t(TAB)' that cannot start any token. (Do not use"
                                + " \\t(TAB) for indentation); indent with spaces: YAML does not allow tabs")),
                arguments("missing-colon.yml", List.of(
                        "3:13 : malformed YAML: mapping values are not allowed here; a colon where none belongs: a"
                                + " key on the line before may lack its colon (key: value), this line may be indented"
                                + " deeper than the one before, or a value with ': ' in it needs quotes")),
                arguments("long-names.yml", List.of(
                        "7:5 prices.models: a model name is 300 characters long (\"" + "p".repeat(40) + "…\");"
                                + " the state database keeps names of at most 200",
                        "9:3 channels: a channel name is 300 characters long (\"" + "c".repeat(40) + "…\");"
                                + " the state database keeps names of at most 200",
                        "12:11 rules[0].name: is 250 characters long (\"" + "r".repeat(40) + "…\");"
                                + " the state database keeps names of at most 100",
                        "13:12 rules[0].keys[0]: is 201 characters long (\"" + "k".repeat(40) + "…\");"
                                + " the state database keeps names of at most 100",
                        "14:18 rules[0].models[1]: is 1200 characters long (\"" + "m".repeat(40) + "…\");"
                                + " the state database keeps names of at most 200")),
                arguments("not-a-mapping.yml", List.of(
                        "1:1 : expected a mapping with at least ucloud: and rules:, got a list")),
                arguments("two-documents.yml", List.of(
                        "9:1 : a second YAML document starts here; the file must hold exactly one")),
                arguments("tags-aliases.yml", List.of(
                        "3:15 ucloud.privateKey: YAML tags (!!type or !name) are not supported; remove the tag",
                        "8:12 rules[0].keys[0]: YAML aliases (*name) are not supported; repeat the value instead")),
                arguments("duplicate-key.yml", List.of(
                        "12:5 rules[0].keys: duplicate key `keys` (first at line 8); keep only one")),
                arguments("duplicate-name.yml", List.of(
                        "12:11 rules[1].name: duplicate rule name \"r\" (first at line 7); names must be unique",
                        "19:13 digests[1].name: duplicate digest name \"d\" (first at line 18); names must be unique")),
                arguments("unknown-channel.yml", List.of(
                        "13:19 rules[0].notify[1]: undefined channel \"team-slak\"; did you mean `team-slack`?;"
                                + " defined: ops, team-slack",
                        "16:16 digests[0].rules[1]: undefined rule \"nope\"; defined: r",
                        "17:14 digests[0].notify[0]: undefined channel \"pager\"; defined: ops, team-slack")),
                arguments("bad-cron.yml", List.of(
                        "8:15 rules[0].schedule: crontab expression \"0 9 1 * 1\": both day-of-month (1) and"
                                + " day-of-week (1) are given: crontab fires when either matches, which Quartz cannot"
                                + " express; keep one and write * for the other, or use two rules",
                        "15:15 digests[0].schedule: invalid cron expression \"0 0 25 * * ?\": Hour values must be"
                                + " between 0 and 23; write 5 fields as crontab does (min hour day-of-month month"
                                + " day-of-week, e.g. \"0 9 * * 1\" for 09:00 on Mondays), or Quartz's 6 or 7 (sec"
                                + " min hour day-of-month month day-of-week [year], e.g. \"0 */5 * * * ?\")")),
                arguments("bad-duration.yml", List.of(
                        "4:12 ucloud.timeout: expected a duration such as 90s, 30m, 6h, 1d, 1w or PT6H, got \"5x\"",
                        "13:13 rules[0].repeat: expected a duration, got the bare number 6; add a unit: s, m, h, d"
                                + " or w, e.g. 6m",
                        "19:13 rules[1].repeat: must be longer than 0")),
                arguments("discovery-invalid.yml", List.of(
                        "4:22 ucloud.discoveryInterval: must be at most 1d, so that a key created today is watched"
                                + " today",
                        "9:16 rules[0].keys[1]: \"*\" stands for every one: write it alone (keys: \"*\"), or list"
                                + " names without it",
                        "10:13 rules[0].models: must not be empty; add at least one item",
                        "14:17 rules[0].staleAfter: must be longer than 0")),
                arguments("bad-percent.yml", List.of(
                        "13:22 rules[0].budgets[0].thresholds[0]: expected a percentage, got the bare number 0.8;"
                                + " add %, e.g. 0.8% (for the fraction 0.8 write 80%)",
                        "13:33 rules[0].budgets[0].thresholds[2]: must be greater than 0%",
                        "14:24 rules[0].budgets[0].forecastAfter: must be at least 0% and below 100%",
                        "16:37 rules[0].growth[0].increase: must be greater than 0%",
                        "17:37 rules[0].growth[1].increase: expected a percentage such as 80% or 12.5%,"
                                + " got \"lots\"")),
                arguments("negative-limit.yml", List.of(
                        "6:17 prices.models.m.input: must not be negative, got -1",
                        "14:34 rules[0].budgets[0].limit: must not be negative, got -5",
                        "15:34 rules[0].budgets[1].limit: unknown suffix m in \"20m\"; did you mean M (million)?",
                        "16:34 rules[0].budgets[2].limit: unknown suffix T in \"3T\"; use k (thousand),"
                                + " M (million) or G (billion)",
                        "18:55 rules[0].growth[0].minBaseline: must not be negative, got -1000")),
                arguments("currency-amounts.yml", List.of(
                        "7:39 prices.models[\"deepseek-ai/DeepSeek-R1\"].input: expected a number such as 4 or 0.5,"
                                + " got \"¥4\"; write the amount alone, e.g. 4: its currency is prices.currency",
                        "16:32 rules[0].budgets[0].limit: expected a number such as 20000000, 20M or 1.5k, got"
                                + " \"¥500\"; write the amount alone, e.g. 500: its currency is prices.currency",
                        "17:47 rules[0].budgets[1].limit: expected a number such as 20000000, 20M or 1.5k, got"
                                + " \"500元\"; write the amount alone, e.g. 500: its currency is prices.currency",
                        "18:52 rules[0].budgets[2].limit.k1: expected a number such as 20000000, 20M or 1.5k, got"
                                + " \"300 CNY\"; write the amount alone, e.g. 500: its currency is prices.currency",
                        "19:47 rules[0].budgets[3].limit: expected a number such as 20000000, 20M or 1.5k, got"
                                + " \"1e7\"; write 1e7 as 10000000, or with a suffix such as 10M")),
                arguments("cost-without-price.yml", List.of(
                        "14:19 rules[0].budgets[0].metric: metric cost needs a price for every model of the rule;"
                                + " add a price for model Qwen/QwQ-32B under prices.models",
                        "16:19 rules[0].growth[0].metric: metric cost needs a price for every model of the rule;"
                                + " add a price for model Qwen/QwQ-32B under prices.models")),
                arguments("missing-env.yml", List.of(
                        "2:14 ucloud.publicKey: environment variable UCLOUD_PUBLIC_KEY is not set; set it, or write"
                                + " ${UCLOUD_PUBLIC_KEY:-default} to give a default",
                        "3:15 ucloud.privateKey: environment variable UCLOUD_PRIVATE_KEY is not set; set it, or"
                                + " write ${UCLOUD_PRIVATE_KEY:-default} to give a default",
                        "6:36 channels.hook.webhookUrl: environment variable SLACK_WEBHOOK_URL is not set; set it,"
                                + " or write ${SLACK_WEBHOOK_URL:-default} to give a default",
                        "9:12 rules[0].keys[0]: environment variable PROD_KEY is not set; set it, or write"
                                + " ${PROD_KEY:-default} to give a default")),
                arguments("slack-both.yml", List.of(
                        "5:99 channels.both.token: set either webhookUrl (incoming webhook) or token + channel"
                                + " (bot), not both",
                        "6:12 channels.neither: a slack channel needs webhookUrl (incoming webhook) or token +"
                                + " channel (bot)",
                        "7:39 channels.lonely-token.token: a bot token needs channel: the Slack channel to post to,"
                                + " quoted because an unquoted # starts a comment, e.g. channel: \"#llm-spend\"",
                        "8:109 channels.hook-channel.channel: an incoming webhook posts to the channel it was created"
                                + " for; remove channel, or use token + channel",
                        "11:12 channels.comment.token: a bot token needs channel: the Slack channel to post to,"
                                + " quoted because an unquoted # starts a comment, e.g. channel: \"#llm-spend\"")),
                arguments("email-invalid.yml", List.of(
                        "6:5 channels.mail.from: required field is missing",
                        "7:11 channels.mail.smtp.host: required field is missing",
                        "7:19 channels.mail.smtp.port: must be between 1 and 65535, got 70000",
                        "7:47 channels.mail.smtp.ssl: choose starttls (usually port 587) or ssl (SMTPS, usually"
                                + " port 465), not both",
                        "7:63 channels.mail.smtp.password: a password needs a username to log in with; add"
                                + " smtp.username",
                        "8:10 channels.mail.to[0]: invalid email address \"finance\": Missing final '@domain'",
                        "10:5 channels.mail2.smtp: required field is missing",
                        "12:9 channels.mail2.to: must not be empty; add at least one item")),
                arguments("smtp-insecure-auth.yml", List.of(
                        "7:57 channels.clear.smtp.username: the login would cross the network to smtp.example.com"
                                + " unencrypted; set starttls: true (usually port 587) or ssl: true (usually port"
                                + " 465), or allowInsecureAuth: true if this network is trusted")),
                arguments("unknown-type.yml", List.of(
                        "5:14 channels.a.type: unknown value \"slak\"; did you mean `slack`?; expected one of:"
                                + " slack, email, console, feishu, dingtalk, wecom, webhook, pagerduty",
                        "6:6 channels.b.type: required field is missing",
                        "7:23 channels.c.level: unknown field; valid fields: type")),
                arguments("chat-invalid.yml", List.of(
                        "5:7 channels.fs.webhookUrl: required field is missing",
                        "6:109 channels.dt.secret: a DingTalk signing secret starts with SEC; copy it from the robot's"
                                + " security settings (加签), or remove secret: if the robot uses keywords or IP"
                                + " addresses instead",
                        "7:34 channels.wc.webhookUrl: a WeCom group robot's URL has its key in the query:"
                                + " https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=...; copy the whole URL from"
                                + " the robot's settings (the value is not shown: it is a secret)",
                        "8:31 channels.hook.url: expected an absolute https:// URL",
                        "9:7 channels.pd.routingKey: required field is missing",
                        "10:104 channels.ok.atMobiles[0]: expected a mobile number of digits such as \"13800000000\","
                                + " got \"138-0000\"",
                        "20:18 digests[0].notify[1]: channel \"pd\" is PagerDuty, which opens incidents for alerts"
                                + " and receives no digests; remove it from this digest's notify")),
                arguments("bad-timezone.yml", List.of(
                        "1:11 timezone: invalid timezone \"Asia/Shangai\"; use a region such as Asia/Shanghai or an"
                                + " offset such as +08:00",
                        "2:12 weekStart: unknown value \"mon\"; expected one of: monday, tuesday, wednesday,"
                                + " thursday, friday, saturday, sunday",
                        "3:16 monthStartDay: must be between 1 and 28, got 31",
                        "13:52 rules[0].budgets[0].period: unknown value \"dai\"; did you mean `day`?; expected one"
                                + " of: hour, day, week, month",
                        "14:14 rules[0].groupBy: unknown value \"team\"; expected one of: series, key, model, all")),
                arguments("bad-url.yml", List.of(
                        "2:12 ucloud.baseUrl: plain http is only allowed for localhost; use https://, got"
                                + " \"http://api.ucloud.cn\"",
                        "6:8 state.url: expected a jdbc:h2:... or jdbc:postgresql://... URL",
                        "7:12 state.cluster: a cluster needs a shared PostgreSQL database; set state.url to"
                                + " jdbc:postgresql://...")),
                arguments("digest-invalid.yml", List.of(
                        "13:5 digests[0]: a digest needs something to cover: add rules:, or keys: and models:",
                        "16:11 digests[1].keys: keys need models: the digest covers every key x model; add models:",
                        "17:13 digests[1].period: unknown value \"hour\"; expected one of: day, week, month",
                        "18:10 digests[1].top: must be between 1 and 50, got 0",
                        "20:5 digests[2]: a digest needs something to cover: add rules:, or keys: and models:")),
                arguments("anomaly-invalid.yml", List.of(
                        "4:38 quietDates[1]: \"2027-13-01\" is not a date: Text '2027-13-01' could not be parsed:"
                                + " Invalid value for MonthOfYear (valid values 1 - 12): 13",
                        "12:9 rules[0].anomaly[0].minExcess: required field is missing",
                        "12:40 rules[0].anomaly[0].sensitivity: must be greater than 0 (a modified z-score; 3.5 is"
                                + " usual)",
                        "12:53 rules[0].anomaly[0].minRatio: must be at least 1 (a multiple of the expected value,"
                                + " such as 1.5)",
                        "12:68 rules[0].anomaly[0].baseline: must be whole weeks from 3w to 12w: a median over fewer"
                                + " weeks is one odd week away from a false alarm",
                        "13:19 rules[0].anomaly[1].metric: metric cost needs a price for every model of the rule; add a"
                                + " price for model m under prices.models",
                        "13:36 rules[0].anomaly[1].minExcess: must be greater than 0: an excess of a few tokens is"
                                + " noise, not news",
                        "13:49 rules[0].anomaly[1].baseline: must be whole weeks from 3w to 12w: a median over fewer"
                                + " weeks is one odd week away from a false alarm",
                        "14:44 rules[0].anomaly[2].baselines: unknown field; did you mean `baseline`?",
                        "15:18 rules[0].quietDates[0]: \"2027-02-17..2027-02-10\" must run forwards over at most 366"
                                + " days, e.g. 2027-02-10..2027-02-17",
                        "15:42 rules[0].quietDates[1]: expected a date such as 2027-02-10 or a range such as"
                                + " 2027-02-10..2027-02-17, got \"Feb 10\"",
                        "15:52 rules[0].quietDates[2]: \"2020-01-01..2030-01-01\" must run forwards over at most 366"
                                + " days, e.g. 2027-02-10..2027-02-17")),
                arguments("limit-per-key.yml", List.of(
                        "13:43 rules[0].budgets[0].limit.uminferapikey-alpa: not one of the rule's keys; did you mean"
                                + " `uminferapikey-alpha`?",
                        "13:87 rules[0].budgets[0].limit.uminferapikey-beta: expected a number such as 20000000, 20M"
                                + " or 1.5k, got \"lots\"",
                        "20:34 rules[1].budgets[0].limit: uminferapikey-beta has no limit: add \"*\": 1M (quoted) for"
                                + " every key not listed, or list it",
                        "26:34 rules[2].budgets[0].limit: a limit per key needs groupBy: key (each group is then one"
                                + " key); add groupBy: key, or give one limit such as limit: 5M")),
                arguments("guard-invalid.yml", List.of(
                        "12:32 rules[0].quota.thresholds[1]: must be above 0% and at most 100%: UCloud refuses the key's"
                                + " requests at its limit",
                        "18:46 rules[1].budgets[0].action: an action changes one key, so each group must be one key: add"
                                + " groupBy: key (or series) to the rule",
                        "18:62 rules[1].budgets[0].action.do: cap sets the key's UCloud spending limit to the budget's"
                                + " limit, so it needs metric: cost; use do: disable for a tokens budget",
                        "18:77 rules[1].budgets[0].action.approval: unknown value \"later\"; expected one of: manual,"
                                + " auto",
                        "19:58 rules[1].budgets[1].action: an action changes one key, so each group must be one key:"
                                + " add groupBy: key (or series) to the rule",
                        "19:73 rules[1].budgets[1].action.do: cap writes the limit in prices.currency (USD) into"
                                + " UCloud, which counts in ucloud.billingCurrency (CNY); make them the same or use"
                                + " do: disable",
                        "19:73 rules[1].budgets[1].action.do: UCloud has daily and monthly limits only: cap needs"
                                + " period: day or month, not week",
                        "19:85 rules[1].budgets[1].action.until: unknown value \"tomorrow\"; expected one of:"
                                + " periodEnd")),
                arguments("bad-locale.yml", List.of(
                        "1:9 locale: unknown value \"zh\"; expected one of: en, zh-CN")),
                arguments("buttons-invalid.yml", List.of(
                        "3:109 channels.hooked.signingSecret: buttons need a bot token: messages posted through an"
                                + " incoming webhook carry none; use token + channel, or remove signingSecret",
                        "8:20 channels.bot.signingSecret: must not be empty: the Signing Secret of the Slack app (Basic"
                                + " Information → App Credentials), or remove signingSecret: for messages without"
                                + " buttons",
                        "9:31 channels.bot.allowedUsers[1]: expected a Slack member ID such as U0123ABCD (in Slack:"
                                + " the person's profile → ⋮ → Copy member ID), got \"alice\"",
                        "10:94 channels.nobuttons.allowedUsers: allowedUsers says who may press the buttons, and only"
                                + " a channel with signingSecret has any; add signingSecret, or remove allowedUsers")),
                arguments("concurrency-both.yml", List.of(
                        "4:19 ucloud.maxConcurrency: must be between 1 and 256, got 300",
                        "5:16 ucloud.parallelism: the old name of `maxConcurrency`; keep only `maxConcurrency`")),
                arguments("missing-required.yml", List.of(
                        "1:1 ucloud: required field is missing",
                        "4:5 rules[0].name: required field is missing",
                        "4:5 rules[0].keys: required field is missing",
                        "4:5 rules[0].models: required field is missing",
                        "4:5 rules[0].notify: required field is missing",
                        "6:9 rules[0].budgets[0].metric: required field is missing",
                        "6:9 rules[0].budgets[0].limit: required field is missing",
                        "7:5 rules[1]: a rule needs at least one check: add budgets:, growth:, anomaly: or quota:",
                        "10:13 rules[1].notify: must not be empty; add at least one item",
                        "11:5 rules[2]: a rule needs at least one check: add budgets:, growth:, anomaly: or quota:",
                        // a rule that is not a mapping is one error, not one per missing field
                        "17:5 rules[3]: expected a mapping (field: value, ...), got a string")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void reportsEveryMistakeWithItsLocation(String fixture, List<String> expected) {
        assertThat(errors(fixture, Map.of())).containsExactlyElementsOf(expected);
    }

    @Test
    void buttonsNeedTheServerThatTakesTheirClicks() {
        assertThat(errors("buttons-without-server.yml", Map.of("SLACK_SIGNING_SECRET", "test-signing-secret")))
                .containsExactly(
                "3:94 channels.team.signingSecret: buttons need server: Slack sends each click to the ops server's"
                        + " /slack/interactions (the Slack app's Interactivity URL is"
                        + " <server.publicUrl>/slack/interactions); add server: { listen: ..., publicUrl: ... }, or"
                        + " remove signingSecret");
    }

    @Test
    void errorNamesFileLineColumnAndPath() {
        ConfigException e = failure(fixture("typo.yml"), Map.of());

        assertThat(e.errors().get(0)).hasToString(fixture("typo.yml")
                + ":13:9: rules[0].budgets[0].thresolds: unknown field; did you mean `thresholds`?");
        assertThat(e.getMessage()).hasLineCount(3);
    }

    @Test
    void emptyFileSaysWhatIsExpected() {
        ConfigException e = failure(fixture("empty.yml"), Map.of());

        assertThat(e.errors()).singleElement().hasToString(fixture("empty.yml")
                + ": the file is empty; expected a mapping with at least ucloud: and rules:");
    }

    @Test
    void missingFileIsNamed() {
        Path nowhere = Path.of("no/such/rules.yml");

        assertThat(failure(nowhere, Map.of()).errors()).singleElement()
                .hasToString("no/such/rules.yml: no such file: no/such/rules.yml");
    }

    @Test
    void malformedYamlHasNoStackTraceOrSnippet() {
        ConfigException e = failure(fixture("malformed.yml"), Map.of());

        assertThat(e.getMessage()).doesNotContain("\n").doesNotContain("Exception").doesNotContain("^");
    }
}

package budgetbot.e2e;

import budgetbot.simulator.Simulator;
import budgetbot.simulator.Spike;
import budgetbot.testing.FakePlatform;
import budgetbot.testing.FakePlatform.Kind;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The acceptance of issue 19: one growth alert of a rule with a Chinese name on a key with a Chinese name, firing on
 * the spike day and resolved the next, reaches Feishu, DingTalk, WeCom, the webhook and PagerDuty exactly once each
 * way, every request signed and well-formed as the local platforms check it; {@code notify-test} works on each and
 * names a wrong Feishu secret.
 */
class ChatChannelsE2ETest {
    private static final String KEY = "uminferapikey-生产";
    private static final String RULE = "生产环境-令牌增长";
    private static final Instant AFTERNOON = Scenario.at("2026-11-20T15:00");
    private static final Instant NEXT_DAY = Scenario.at("2026-11-21T23:00");
    private static final String FEISHU_SECRET = "e2e-feishu-secret";
    private static final String DINGTALK_SECRET = "SECe2e0dingtalk0secret";
    private static final String HOOK_SECRET = "e2e-hook-secret";

    @TempDir
    Path dir;

    private Simulator sim;
    private final Map<Kind, FakePlatform> platforms = new EnumMap<>(Kind.class);
    private Map<String, String> env;
    private Path config;

    @BeforeEach
    void install() {
        sim = Simulator.start(Scenario.options().withKeys(List.of(KEY))
                .withSpike(new Spike(KEY, Scenario.SPIKE.start(), Scenario.SPIKE.length(), Scenario.SPIKE.factor())));
        Map<Kind, Optional<String>> secrets = Map.of(Kind.FEISHU, Optional.of(FEISHU_SECRET), Kind.DINGTALK,
                Optional.of(DINGTALK_SECRET), Kind.WECOM, Optional.empty(), Kind.WEBHOOK, Optional.of(HOOK_SECRET),
                Kind.PAGERDUTY, Optional.empty());
        secrets.forEach((kind, secret) -> platforms.put(kind, FakePlatform.start(kind, secret, Clock.systemUTC())));
        Map<String, String> values = new HashMap<>(Scenario.ucloud(sim));
        values.put("STATE_URL", "jdbc:h2:file:" + dir.resolve("state").resolve("budgetbot").toAbsolutePath());
        values.put("KEY", KEY);
        config = Scenario.config(dir, "chat.yml", values);
        env = Cli.environment(Map.of("FEISHU_WEBHOOK", url(Kind.FEISHU), "FEISHU_SECRET", FEISHU_SECRET,
                "DINGTALK_WEBHOOK", url(Kind.DINGTALK), "DINGTALK_SECRET", DINGTALK_SECRET,
                "WECOM_WEBHOOK", url(Kind.WECOM), "HOOK_URL", url(Kind.WEBHOOK), "HOOK_SECRET", HOOK_SECRET,
                "PD_ROUTING_KEY", FakePlatform.ROUTING_KEY, "PD_URL", url(Kind.PAGERDUTY)), Set.of());
    }

    @AfterEach
    void uninstall() {
        platforms.values().forEach(FakePlatform::close);
        sim.close();
    }

    private String url(Kind kind) {
        return platforms.get(kind).url();
    }

    private Cli.Run run(String command, String... args) {
        String[] all = new String[args.length + 3];
        all[0] = command;
        all[1] = "--config";
        all[2] = config.toString();
        System.arraycopy(args, 0, all, 3, args.length);
        return Cli.run(env, all);
    }

    private List<JsonNode> delivered(Kind kind) {
        return platforms.get(kind).delivered().stream().map(FakePlatform.Received::json).toList();
    }

    @Test
    void oneGrowthAlertFiringThenResolvedReachesEveryPlatformOnceEachWay() {
        assertThat(run("check", "--at", Scenario.arg(AFTERNOON)).exits(0).out())
                .contains("delivery: 5 sent, 0 failed, 0 pending");

        String firing = RULE + ": daily tokens up ";
        assertThat(delivered(Kind.FEISHU)).singleElement().satisfies(card -> {
            assertThat(card.at("/card/header/title/content").asText()).startsWith(firing);
            assertThat(card.at("/card/header/template").asText()).isEqualTo("orange");
            assertThat(card.toString()).contains("(" + KEY + ") × ", "https://budgetbot.example.com/");
        });
        assertThat(delivered(Kind.DINGTALK)).singleElement().satisfies(md -> assertThat(md.at("/markdown/title")
                .asText()).startsWith(firing));
        assertThat(delivered(Kind.WECOM)).as("the markdown, then the mention WeCom's markdown cannot carry")
                .extracting(m -> m.get("msgtype").asText()).containsExactly("markdown", "text");
        assertThat(delivered(Kind.WECOM).get(1).at("/text/mentioned_mobile_list/0").asText()).isEqualTo("13800000000");
        assertThat(delivered(Kind.WEBHOOK)).singleElement().satisfies(hook -> {
            assertThat(hook.get("version").asText()).isEqualTo("4");
            assertThat(hook.get("status").asText()).isEqualTo("firing");
            assertThat(hook.at("/commonLabels/alertname").asText()).isEqualTo(RULE);
            assertThat(hook.at("/alerts/0/labels/key").asText()).isEqualTo(KEY);
        });
        assertThat(delivered(Kind.PAGERDUTY)).singleElement().satisfies(pd -> {
            assertThat(pd.get("event_action").asText()).isEqualTo("trigger");
            assertThat(pd.at("/payload/summary").asText()).startsWith(firing);
        });

        assertThat(run("check", "--at", Scenario.arg(NEXT_DAY)).exits(0).out())
                .contains("delivery: 5 sent, 0 failed, 0 pending");

        String resolved = "RESOLVED " + RULE + ": daily token growth back to normal";
        assertThat(delivered(Kind.FEISHU)).hasSize(2).last().satisfies(card -> {
            assertThat(card.at("/card/header/title/content").asText()).isEqualTo(resolved);
            assertThat(card.at("/card/header/template").asText()).isEqualTo("green");
        });
        assertThat(delivered(Kind.DINGTALK)).hasSize(2).last()
                .satisfies(md -> assertThat(md.at("/markdown/title").asText()).isEqualTo(resolved));
        assertThat(delivered(Kind.WECOM)).as("no mention for a resolution").hasSize(3).last()
                .satisfies(md -> assertThat(md.at("/markdown/content").asText()).contains(resolved));
        assertThat(delivered(Kind.WEBHOOK)).hasSize(2).last().satisfies(hook -> {
            assertThat(hook.get("status").asText()).isEqualTo("resolved");
            assertThat(hook.at("/alerts/0/fingerprint").asText())
                    .isEqualTo(delivered(Kind.WEBHOOK).get(0).at("/alerts/0/fingerprint").asText());
        });
        List<JsonNode> pd = delivered(Kind.PAGERDUTY);
        assertThat(pd).extracting(e -> e.get("event_action").asText()).containsExactly("trigger", "resolve");
        assertThat(pd.get(1).get("dedup_key").asText()).isEqualTo(pd.get(0).get("dedup_key").asText());
        platforms.values().forEach(p -> assertThat(p.received()).as("nothing refused, nothing sent twice")
                .hasSameSizeAs(p.delivered()));
    }

    @Test
    void notifyTestWorksOnEachAndNamesAWrongFeishuSecret() {
        for (String channel : List.of("team-feishu", "team-dingtalk", "team-wecom", "hook", "oncall")) {
            assertThat(run("notify-test", "--channel", channel).exits(0).out())
                    .startsWith("OK: test message delivered to channel " + channel);
        }
        assertThat(delivered(Kind.PAGERDUTY)).extracting(e -> e.get("event_action").asText())
                .containsExactly("trigger", "resolve");

        Cli.Run wrong = run("notify-test", "--channel", "wrong-feishu").exits(1);

        assertThat(wrong.out()).startsWith("FAILED: test message to channel wrong-feishu (feishu) was not delivered: "
                + "Feishu rejected the signature (19021): check secret and clock").contains("a retry will not help")
                .doesNotContain(FakePlatform.TOKEN, "not-the-feishu-secret");
    }
}

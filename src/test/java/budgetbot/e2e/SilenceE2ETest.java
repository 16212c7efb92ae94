package budgetbot.e2e;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code silence add | list | remove} as an operator types them. */
class SilenceE2ETest {
    @TempDir
    Path dir;

    Bot bot;

    @BeforeEach
    void install() {
        bot = Bot.install(dir);
    }

    @AfterEach
    void uninstall() {
        bot.close();
    }

    /** {@code budgetbot silence <command> --config rules.yml args...}. */
    private Cli.Run silence(String command, String... args) {
        List<String> all = new ArrayList<>(List.of("silence", command, "--config", bot.config.toString()));
        all.addAll(List.of(args));
        return Cli.run(all.toArray(String[]::new));
    }

    @Test
    void aSilenceIsAddedListedAndRemoved() {
        // the rule groups all its usage together: its one group is "all"
        Cli.Run added = silence("add", "--rule", "prod-daily", "--group", "all", "--until", "+2h",
                "--reason", "INC-42: batch rerun").exits(0);
        assertThat(added.out()).startsWith("silence #1: prod-daily (group all) until ")
                .contains("+08:00: INC-42: batch rerun");
        silence("add", "--rule", "prod-growth", "--until", "+1 day", "--reason", "growth expected").exits(0);

        assertThat(silence("list").exits(0).out()).contains("#1  prod-daily (group all)",
                "#2  prod-growth (every group)", "growth expected");

        assertThat(silence("remove", "1").exits(0).out()).isEqualTo("removed silence #1\n");
        assertThat(silence("list").exits(0).out()).doesNotContain("#1 ").contains("#2 ");
        assertThat(silence("remove", "1").exits(2).err()).contains("no silence #1");
    }

    @Test
    void aSilenceNeedsAKnownRuleAnEndInTheFutureAndAReason() {
        assertThat(silence("add", "--rule", "nope", "--until", "+1h", "--reason", "x").exits(2).err())
                .contains("no rule named 'nope'");
        assertThat(silence("add", "--rule", "prod-daily", "--until", "2020-01-01", "--reason", "x")
                .exits(2).err()).contains("must end in the future");
        assertThat(silence("add", "--rule", "prod-daily", "--until", "+1h").exits(2).err())
                .contains("Missing required option: '--reason=TEXT'");
        assertThat(silence("add", "--rule", "prod-daily", "--until", "+1 fortnight", "--reason", "x").exits(2).err())
                .contains("cannot read time '+1 fortnight'").contains("+4h").contains("'+1 day'");
        assertThat(silence("list").exits(0).out()).isEqualTo("no silences\n");
    }

    @Test
    void aGroupTheRuleNeverSawIsRefusedWithTheNearestUnlessForced() {
        String typo = Scenario.PROD;

        assertThat(silence("add", "--rule", "prod-daily", "--group", typo, "--until", "+1h", "--reason", "x")
                .exits(2).err()).contains("rule prod-daily has never alerted for group \"" + typo + "\"",
                "its groups: all", "add --force");
        assertThat(silence("add", "--rule", "prod-daily", "--group", "al", "--until", "+1h", "--reason", "x")
                .exits(2).err()).contains("did you mean `all`?");
        assertThat(silence("list").exits(0).out()).isEqualTo("no silences\n");
        silence("add", "--rule", "prod-daily", "--group", typo, "--until", "+1h", "--reason", "x", "--force")
                .exits(0);
    }
}

package budgetbot.render;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class MrkdwnTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "a & b            | a &amp; b",
            "<@U123>          | &lt;@U123&gt;",
            "<!here>          | &lt;!here&gt;",
            "&lt;             | &amp;lt;",
            "*bold*           | ∗bold∗",
            "_it_ ~s~ `c`     | ˍitˍ ∼s∼ ˋcˋ",
            "gpt_4o_mini a*b  | gpt_4o_mini a*b",
            "ＡＢ＊＿｀         | ＡＢ﹡⸏ˋ",
            "x_               | xˍ",
            "\"> quoted\"     | \u00AD&gt; quoted",
            "a > b            | a &gt; b",
    })
    void escapesControlAndFormattingCharacters(String in, String out) {
        assertThat(Mrkdwn.escape(in.replace("\\u00AD", "\u00AD"))).isEqualTo(out.replace("\\u00AD", "\u00AD"));
    }

    @Test
    void aQuoteMarkStartingAnyLineIsDefused() {
        assertThat(Mrkdwn.escape("one\n> two")).isEqualTo("one\n\u00AD&gt; two");
    }

    @Test
    void truncationNeverCutsAnEntity() {
        String s = Mrkdwn.escape("ab<cd");

        assertThat(Mrkdwn.truncate(s, 6)).isEqualTo("ab…");
        assertThat(Mrkdwn.truncate(s, 7)).isEqualTo("ab&lt;…");
    }

    @Test
    void truncationPrefersALineBreakSoThatNoBoldPairIsSplit() {
        String s = "*first line*\n*second* line that is long";

        assertThat(Mrkdwn.truncate(s, 20)).isEqualTo("*first line*…");
    }

    @Test
    void fallbackTextStaysWithinSlacksLimit() {
        String huge = "rule <x> & friends\n".repeat(5000);

        String text = Mrkdwn.fallback(huge);

        assertThat(text.length()).isLessThanOrEqualTo(Mrkdwn.TEXT_MAX);
        assertThat(text).endsWith("friends…").doesNotContain("<");
    }
}

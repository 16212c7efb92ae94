package budgetbot.render;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class MrkdwnTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {"a & b | a &amp; b", "<@U123> | &lt;@U123&gt;", "*bold* | *bold*",
            "&lt; | &amp;lt;"})
    void escapesControlCharacters(String in, String out) {
        assertThat(Mrkdwn.escape(in)).isEqualTo(out);
    }
}

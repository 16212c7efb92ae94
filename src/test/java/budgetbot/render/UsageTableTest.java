package budgetbot.render;

import budgetbot.time.PeriodCalendar;
import budgetbot.time.PeriodUnit;
import budgetbot.time.Window;
import budgetbot.usage.Series;
import budgetbot.usage.Usage;
import budgetbot.usage.UsageBucket;
import budgetbot.usage.UsageTotals;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What {@code budgetbot usage} prints, to the byte: people read the table's columns and scripts read the CSV, while
 * the end-to-end tests parse both and would not notice a column moving. The expected texts are those the command
 * printed before the table moved to render.
 */
class UsageTableTest {
    static final PeriodCalendar CHINA = PeriodCalendar.of(ZoneId.of("Asia/Shanghai"));
    static final Window WINDOW = new Window(Instant.parse("2026-03-01T16:00:00Z"),
            Instant.parse("2026-03-02T19:00:00Z"));
    static final Usage R1 = new Usage(new Series("uminferapikey-abc", "deepseek-ai/DeepSeek-R1"), WINDOW,
            new UsageTotals(1100, 2200, 3300, 13, 1), List.of(
            bucket("2026-03-01T16:00:00Z", new UsageTotals(100, 200, 300, 3, 0)),
            bucket("2026-03-01T18:00:00Z", new UsageTotals(1000, 2000, 3000, 10, 1))));
    static final Usage QWEN = new Usage(new Series("uminferapikey-def", "Qwen/Qwen3-32B"), WINDOW,
            new UsageTotals(5, 6, 11, 1, 0), List.of(
            bucket("2026-03-02T17:00:00Z", new UsageTotals(5, 6, 11, 1, 0))));

    static Stream<Arguments> printed() {
        return Stream.of(
                Arguments.of("table by hour", UsageTable.Format.table, PeriodUnit.HOUR, List.of(R1), """
                        uminferapikey-abc x deepseek-ai/DeepSeek-R1, 2026-03-02T00:00:00+08:00 .. \
                        2026-03-03T03:00:00+08:00 (Asia/Shanghai)
                        hour                      input         output          total   requests   images
                        2026-03-02 00:00            100            200            300          3        0
                        2026-03-02 02:00           1000           2000           3000         10        1
                        TOTAL                      1100           2200           3300         13        1
                        """),
                Arguments.of("tables by day, one per key x model", UsageTable.Format.table, PeriodUnit.DAY,
                        List.of(R1, QWEN), """
                        uminferapikey-abc x deepseek-ai/DeepSeek-R1, 2026-03-02T00:00:00+08:00 .. \
                        2026-03-03T03:00:00+08:00 (Asia/Shanghai)
                        day                       input         output          total   requests   images
                        2026-03-02                 1100           2200           3300         13        1
                        TOTAL                      1100           2200           3300         13        1
                        uminferapikey-def x Qwen/Qwen3-32B, 2026-03-02T00:00:00+08:00 .. \
                        2026-03-03T03:00:00+08:00 (Asia/Shanghai)
                        day                       input         output          total   requests   images
                        2026-03-03                    5              6             11          1        0
                        TOTAL                         5              6             11          1        0
                        """),
                Arguments.of("csv by hour", UsageTable.Format.csv, PeriodUnit.HOUR, List.of(R1), """
                        start,inputTokens,outputTokens,totalTokens,requests,images
                        2026-03-02T00:00:00+08:00,100,200,300,3,0
                        2026-03-02T02:00:00+08:00,1000,2000,3000,10,1
                        """),
                Arguments.of("csv by day, key and model on every row", UsageTable.Format.csv, PeriodUnit.DAY,
                        List.of(R1, QWEN), """
                        key,model,start,inputTokens,outputTokens,totalTokens,requests,images
                        uminferapikey-abc,deepseek-ai/DeepSeek-R1,2026-03-02T00:00:00+08:00,1100,2200,3300,13,1
                        uminferapikey-def,Qwen/Qwen3-32B,2026-03-03T00:00:00+08:00,5,6,11,1,0
                        """));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("printed")
    void printsWhatTheUsageCommandAlwaysPrinted(String name, UsageTable.Format format, PeriodUnit by,
                                                List<Usage> usages, String expected) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        UsageTable.print(usages, usages.size() > 1, CHINA, by, format,
                new PrintStream(out, true, StandardCharsets.UTF_8));

        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(expected.replace("\n", System.lineSeparator()));
    }

    private static UsageBucket bucket(String hour, UsageTotals totals) {
        return new UsageBucket(Instant.parse(hour), totals, Map.of());
    }
}

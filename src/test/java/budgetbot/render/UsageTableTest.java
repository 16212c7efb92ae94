package budgetbot.render;

import budgetbot.config.ModelPrice;
import budgetbot.config.Prices;
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
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What {@code budgetbot usage} prints, to the byte: people read the table's columns (with separators, cost and
 * totals) and scripts read the CSV and JSON (plain numbers), while the end-to-end tests parse them and would not
 * notice a column moving.
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

    /** DeepSeek-R1 has a price, Qwen none. */
    static final Prices PRICES = new Prices("CNY", Map.of("deepseek-ai/DeepSeek-R1",
            new ModelPrice(new BigDecimal("4"), new BigDecimal("16"), new BigDecimal("0.5"))));
    static final Prices NONE = new Prices("CNY", Map.of());
    static final Usage BIG = new Usage(new Series("uminferapikey-big", "Qwen/Qwen3-32B"), WINDOW,
            new UsageTotals(12_345_678, 2_000_000, 14_345_678, 1_234, 0), List.of(
            bucket("2026-03-01T16:00:00Z", new UsageTotals(12_345_678, 2_000_000, 14_345_678, 1_234, 0))));

    static Stream<Arguments> printed() {
        return Stream.of(
                Arguments.of("table by hour, priced", UsageTable.Format.table, PeriodUnit.HOUR, List.of(R1), PRICES,
                        """
                        uminferapikey-abc x deepseek-ai/DeepSeek-R1, 2026-03-02T00:00:00+08:00 .. \
                        2026-03-03T03:00:00+08:00 (Asia/Shanghai)
                        hour                      input         output          total   requests   images       cost CNY
                        2026-03-02 00:00            100            200            300          3        0       0.003600
                        2026-03-02 02:00          1,000          2,000          3,000         10        1           0.54
                        TOTAL                     1,100          2,200          3,300         13        1           0.54
                        """),
                Arguments.of("tables by day, one per key x model, and their total", UsageTable.Format.table,
                        PeriodUnit.DAY, List.of(R1, BIG), PRICES, """
                        uminferapikey-abc x deepseek-ai/DeepSeek-R1, 2026-03-02T00:00:00+08:00 .. \
                        2026-03-03T03:00:00+08:00 (Asia/Shanghai)
                        day                       input         output          total   requests   images       cost CNY
                        2026-03-02                1,100          2,200          3,300         13        1           0.54
                        TOTAL                     1,100          2,200          3,300         13        1           0.54
                        uminferapikey-big x Qwen/Qwen3-32B, 2026-03-02T00:00:00+08:00 .. \
                        2026-03-03T03:00:00+08:00 (Asia/Shanghai)
                        day                       input         output          total   requests   images
                        2026-03-02           12,345,678      2,000,000     14,345,678      1,234        0
                        TOTAL                12,345,678      2,000,000     14,345,678      1,234        0
                        all 2 key x model series
                                                  input         output          total   requests   images       cost CNY
                        TOTAL                12,346,778      2,002,200     14,348,978      1,247        1           0.54
                        the cost leaves out what has no price in prices.models: Qwen/Qwen3-32B
                        """),
                Arguments.of("without prices, no cost column", UsageTable.Format.table, PeriodUnit.DAY,
                        List.of(R1, QWEN), NONE, """
                        uminferapikey-abc x deepseek-ai/DeepSeek-R1, 2026-03-02T00:00:00+08:00 .. \
                        2026-03-03T03:00:00+08:00 (Asia/Shanghai)
                        day                       input         output          total   requests   images
                        2026-03-02                1,100          2,200          3,300         13        1
                        TOTAL                     1,100          2,200          3,300         13        1
                        uminferapikey-def x Qwen/Qwen3-32B, 2026-03-02T00:00:00+08:00 .. \
                        2026-03-03T03:00:00+08:00 (Asia/Shanghai)
                        day                       input         output          total   requests   images
                        2026-03-03                    5              6             11          1        0
                        TOTAL                         5              6             11          1        0
                        all 2 key x model series
                                                  input         output          total   requests   images
                        TOTAL                     1,105          2,206          3,311         14        1
                        """),
                // scripts read these: plain numbers, no separators, the same columns with or without prices
                Arguments.of("csv by hour", UsageTable.Format.csv, PeriodUnit.HOUR, List.of(R1), PRICES, """
                        start,inputTokens,outputTokens,totalTokens,requests,images
                        2026-03-02T00:00:00+08:00,100,200,300,3,0
                        2026-03-02T02:00:00+08:00,1000,2000,3000,10,1
                        """),
                Arguments.of("csv by day, key and model on every row", UsageTable.Format.csv, PeriodUnit.DAY,
                        List.of(R1, BIG), PRICES, """
                        key,model,start,inputTokens,outputTokens,totalTokens,requests,images
                        uminferapikey-abc,deepseek-ai/DeepSeek-R1,2026-03-02T00:00:00+08:00,1100,2200,3300,13,1
                        uminferapikey-big,Qwen/Qwen3-32B,2026-03-02T00:00:00+08:00,12345678,2000000,14345678,1234,0
                        """),
                Arguments.of("json, cost where priced", UsageTable.Format.json, PeriodUnit.DAY, List.of(R1, BIG),
                        PRICES, """
                        [ {
                          "key" : "uminferapikey-abc",
                          "model" : "deepseek-ai/DeepSeek-R1",
                          "from" : "2026-03-02T00:00:00+08:00",
                          "to" : "2026-03-03T03:00:00+08:00",
                          "currency" : "CNY",
                          "buckets" : [ {
                            "start" : "2026-03-02T00:00:00+08:00",
                            "inputTokens" : 1100,
                            "outputTokens" : 2200,
                            "totalTokens" : 3300,
                            "requests" : 13,
                            "images" : 1,
                            "cost" : 0.539600
                          } ],
                          "total" : {
                            "inputTokens" : 1100,
                            "outputTokens" : 2200,
                            "totalTokens" : 3300,
                            "requests" : 13,
                            "images" : 1,
                            "cost" : 0.539600
                          }
                        }, {
                          "key" : "uminferapikey-big",
                          "model" : "Qwen/Qwen3-32B",
                          "from" : "2026-03-02T00:00:00+08:00",
                          "to" : "2026-03-03T03:00:00+08:00",
                          "buckets" : [ {
                            "start" : "2026-03-02T00:00:00+08:00",
                            "inputTokens" : 12345678,
                            "outputTokens" : 2000000,
                            "totalTokens" : 14345678,
                            "requests" : 1234,
                            "images" : 0
                          } ],
                          "total" : {
                            "inputTokens" : 12345678,
                            "outputTokens" : 2000000,
                            "totalTokens" : 14345678,
                            "requests" : 1234,
                            "images" : 0
                          }
                        } ]
                        """));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("printed")
    void printsForPeopleAndForScripts(String name, UsageTable.Format format, PeriodUnit by, List<Usage> usages,
                                      Prices prices, String expected) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        UsageTable.print(usages, usages.size() > 1, CHINA, by, prices, format,
                new PrintStream(out, true, StandardCharsets.UTF_8));

        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(expected.replace("\n", System.lineSeparator()));
    }

    private static UsageBucket bucket(String hour, UsageTotals totals) {
        return new UsageBucket(Instant.parse(hour), totals, Map.of());
    }
}

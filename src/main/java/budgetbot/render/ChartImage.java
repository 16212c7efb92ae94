package budgetbot.render;

import budgetbot.config.Metric;
import budgetbot.digest.BudgetStanding;
import budgetbot.digest.ChartPoint;
import budgetbot.digest.DigestReport;
import budgetbot.digest.GroupReport;
import org.knowm.xchart.BitmapEncoder.BitmapFormat;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries.CategorySeriesRenderStyle;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.style.Styler.LegendLayout;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.knowm.xchart.style.Styler.YAxisPosition;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * The digest's PNG chart: usage per bar of the report window, its running total and the budget limit of the
 * digest's period on a second axis.
 */
final class ChartImage {
    static final int WIDTH = 600;
    static final int HEIGHT = 320;
    private static final Color BARS = new Color(0x4e79a7);
    private static final Color CUMULATIVE = new Color(0xf28e2b);
    private static final Color LIMIT = new Color(0xc0392b);
    private static final BasicStroke DASHED = new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
            new float[]{6f, 4f}, 0f);

    static {
        // a server has no display; without this AWT may look for one while drawing
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private ChartImage() {
    }

    static byte[] png(DigestReport r) {
        GroupReport g = r.headline();
        Optional<BudgetStanding> budget = limitLine(r, g);
        Metric metric = budget.map(BudgetStanding::metric).orElse(g.rankedBy());
        String unit = metric == Metric.COST ? r.currency().orElse("cost") : "tokens";
        String bar = Format.barUnit(r.period());

        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
                .title(r.name() + " – " + Format.period(r.period(), r.report(), r.zone()))
                .xAxisTitle(bar + " (" + r.zone().getId() + ")").yAxisTitle(unit + " per " + bar).build();
        chart.setYAxisGroupTitle(1, "cumulative " + unit);
        style(chart, metric);

        List<String> labels = new ArrayList<>();
        List<Double> perBar = new ArrayList<>();
        List<Double> cumulative = new ArrayList<>();
        BigDecimal sum = BigDecimal.ZERO;
        for (ChartPoint p : g.chart()) {
            BigDecimal v = p.amounts().value(metric);
            sum = sum.add(v);
            labels.add(Format.bar(r.period(), p.start(), r.zone()));
            perBar.add(v.doubleValue());
            cumulative.add(sum.doubleValue());
        }
        CategorySeries bars = chart.addSeries(unit + " per " + bar, labels, perBar);
        bars.setChartCategorySeriesRenderStyle(CategorySeriesRenderStyle.Bar);
        bars.setFillColor(BARS);
        line(chart.addSeries("cumulative", labels, cumulative), CUMULATIVE, new BasicStroke(2.5f));
        budget.ifPresent(b -> line(chart.addSeries(b.period().adjective() + " budget " + Format.value(metric,
                        b.limit(), r.currency()), labels, Collections.nCopies(labels.size(), b.limit().doubleValue())),
                LIMIT, DASHED));
        try {
            return BitmapEncoder.getBitmapBytes(chart, BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode the chart of digest " + r.name(), e);
        }
    }

    /**
     * A tokens or cost budget for the digest's own period whose group is exactly what the chart shows: {@code all},
     * or the one key (model, series) the chart's group consists of. A per-key limit drawn over several keys' total
     * would mislead, so there is no line then.
     */
    private static Optional<BudgetStanding> limitLine(DigestReport r, GroupReport g) {
        return g.budgets().stream().filter(b -> b.period() == r.period() && covers(b.group(), g)
                && (b.metric() == Metric.TOKENS || b.metric() == Metric.COST && g.priced())).findFirst();
    }

    private static boolean covers(String budgetGroup, GroupReport g) {
        return budgetGroup.equals("all")
                || g.series().stream().allMatch(s -> s.keyId().equals(budgetGroup))
                || g.series().stream().allMatch(s -> s.model().equals(budgetGroup))
                || g.series().size() == 1 && g.series().get(0).toString().equals(budgetGroup);
    }

    private static void line(CategorySeries s, Color color, BasicStroke stroke) {
        s.setChartCategorySeriesRenderStyle(CategorySeriesRenderStyle.Line);
        s.setYAxisGroup(1);
        s.setLineColor(color);
        s.setLineStyle(stroke);
        s.setMarker(SeriesMarkers.NONE);
    }

    private static void style(CategoryChart chart, Metric metric) {
        var s = chart.getStyler();
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBackgroundColor(Color.WHITE);
        s.setPlotBorderVisible(false);
        s.setPlotGridVerticalLinesVisible(false);
        s.setPlotGridLinesColor(new Color(0xe5e7eb));
        s.setLegendPosition(LegendPosition.OutsideS);
        s.setLegendLayout(LegendLayout.Horizontal);
        s.setLegendBorderColor(new Color(0xd1d5db));
        s.setLegendBackgroundColor(new Color(255, 255, 255, 220));
        s.setOverlapped(true);
        s.setAvailableSpaceFill(0.8);
        s.setYAxisGroupPosition(1, YAxisPosition.Right);
        s.setYAxisMin(0, 0.0);
        s.setYAxisMin(1, 0.0);
        s.setXAxisLabelRotation(0);
        s.setChartTitleFont(s.getChartTitleFont().deriveFont(14f));
        s.setAxisTitleFont(s.getAxisTitleFont().deriveFont(11f));
        s.setAxisTickLabelsFont(s.getAxisTickLabelsFont().deriveFont(10f));
        s.setLegendFont(s.getLegendFont().deriveFont(10f));
        s.setAntiAlias(true);
        Function<Double, String> ticks = metric == Metric.COST ? ChartImage::money
                : v -> Format.compact(BigDecimal.valueOf(v));
        s.setYAxisTickLabelsFormattingFunction(ticks);
    }

    private static String money(double v) {
        return new DecimalFormat("#,##0.##", DecimalFormatSymbols.getInstance(Locale.ROOT)).format(v);
    }
}

package budgetbot.render;

import budgetbot.config.Metric;
import budgetbot.digest.BudgetStanding;
import budgetbot.digest.ChartPoint;
import budgetbot.digest.DigestReport;
import budgetbot.digest.GroupReport;
import budgetbot.usage.Series;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries.CategorySeriesRenderStyle;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.style.CategoryStyler;
import org.knowm.xchart.style.Styler.LegendLayout;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import javax.imageio.ImageIO;

/**
 * The digest's PNG chart, in two panels over the same bars of the report window: above, the running total with
 * a line for every budget that applies to it, on one axis; below, the usage of each bar. A limit is a total
 * for the period, so it is drawn against the running total and never across the bars.
 *
 * <p>The image is {@link #WIDTH} x {@link #HEIGHT} CSS pixels drawn at {@link #SCALE} times that many pixels,
 * so that it stays sharp on high-density screens; the HTML shows it at its CSS size or narrower.
 */
final class ChartImage {
    static final int WIDTH = 560;
    static final int HEIGHT = 400;
    static final int SCALE = 2;
    private static final int RUNNING_HEIGHT = 240;
    private static final Color BARS = new Color(0x4e79a7);
    private static final Color RUNNING = new Color(0xf28e2b);
    private static final List<Color> LIMITS = List.of(new Color(0xc0392b), new Color(0x7b3294), new Color(0x1b7837),
            new Color(0x8c510a), new Color(0x2166ac));
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

    /** A budget line: whose budget it is (the rule's section), and the budget. */
    record Limit(String owner, BudgetStanding budget) {
    }

    static byte[] png(DigestContent c) {
        DigestReport r = c.r;
        Words w = c.w;
        GroupReport g = r.headline();
        List<Limit> applicable = applicable(r, g);
        Metric metric = applicable.stream().anyMatch(l -> l.budget().metric() == g.rankedBy()) || applicable.isEmpty()
                ? g.rankedBy() : applicable.get(0).budget().metric();
        String unit = metric == Metric.COST ? r.currency().orElse(w.unit(Metric.COST)) : w.unit(metric);
        String bar = Format.barUnit(r.period(), w);

        List<String> labels = new ArrayList<>();
        List<Double> perBar = new ArrayList<>();
        List<Double> running = new ArrayList<>();
        BigDecimal sum = BigDecimal.ZERO;
        for (ChartPoint p : g.chart()) {
            BigDecimal v = p.amounts().value(metric);
            sum = sum.add(v);
            labels.add(Format.bar(r.period(), p.start(), r.zone(), w));
            perBar.add(v.doubleValue());
            running.add(sum.doubleValue());
        }

        CategoryChart above = new CategoryChartBuilder().width(WIDTH).height(RUNNING_HEIGHT)
                .title(r.name() + " – " + Format.period(r.period(), r.report(), r.zone(), w))
                .yAxisTitle(w.get("chart.running", unit)).build();
        style(above, metric);
        List<Limit> limits = applicable.stream().filter(l -> l.budget().metric() == metric).toList();
        above.getStyler().setXAxisTicksVisible(false);
        above.getStyler().setXAxisTitleVisible(false);
        // below the plot, where it covers no line; one entry a line once they would not fit side by side
        above.getStyler().setLegendVisible(!limits.isEmpty());
        above.getStyler().setLegendPosition(LegendPosition.OutsideS);
        above.getStyler().setLegendLayout(limits.size() < 3 ? LegendLayout.Horizontal : LegendLayout.Vertical);
        // room above the highest line, so that a limit is not drawn on the plot's edge
        double highest = limits.stream().mapToDouble(l -> l.budget().limit().doubleValue())
                .reduce(sum.doubleValue(), Math::max);
        if (highest > 0) {
            above.getStyler().setYAxisMax(highest * 1.1);
        }
        line(above.addSeries(w.get("chart.runningSeries"), labels, running), RUNNING, new BasicStroke(2.5f));
        int i = 0;
        for (Limit l : limits) {
            BudgetStanding b = l.budget();
            line(above.addSeries(w.get("chart.budget", c.labels.group(l.owner()), w.adjective(b.period()),
                    c.value(metric, b.limit())), labels, Collections.nCopies(labels.size(), b.limit().doubleValue())),
                    LIMITS.get(i++ % LIMITS.size()), DASHED);
        }

        CategoryChart below = new CategoryChartBuilder().width(WIDTH).height(HEIGHT - RUNNING_HEIGHT)
                .xAxisTitle(bar + " (" + r.zone().getId() + ")").yAxisTitle(w.get("chart.perBar", unit, bar)).build();
        style(below, metric);
        below.getStyler().setLegendVisible(false);
        CategorySeries bars = below.addSeries(w.get("chart.perBar", unit, bar), labels, perBar);
        bars.setChartCategorySeriesRenderStyle(CategorySeriesRenderStyle.Bar);
        bars.setFillColor(BARS);
        return encode(r, above, below);
    }

    /**
     * Every budget of the digest's period that measures exactly what the chart shows: a budget group whose
     * series are the chart's series. A per-key limit drawn over several keys' total would mislead.
     */
    static List<Limit> applicable(DigestReport r, GroupReport chart) {
        Set<Series> shown = Set.copyOf(chart.series());
        List<Limit> out = new ArrayList<>();
        for (GroupReport owner : r.groups()) {
            for (BudgetStanding b : owner.budgets()) {
                boolean chartable = b.metric() != Metric.COST || chart.priced();
                if (b.period() == r.period() && chartable && Set.copyOf(measured(b, owner)).equals(shown)) {
                    out.add(new Limit(owner.name(), b));
                }
            }
        }
        return out;
    }

    /** The series a budget group measures within its rule's series: all of them, or one key, model or series. */
    private static List<Series> measured(BudgetStanding b, GroupReport owner) {
        return "all".equals(b.group()) ? owner.series() : owner.series().stream()
                .filter(s -> s.keyId().equals(b.group()) || s.model().equals(b.group())
                        || s.toString().equals(b.group())).toList();
    }

    private static byte[] encode(DigestReport r, CategoryChart above, CategoryChart below) {
        BufferedImage image = new BufferedImage(WIDTH * SCALE, HEIGHT * SCALE, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.scale(SCALE, SCALE);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            above.paint(g, WIDTH, RUNNING_HEIGHT);
            g.translate(0, RUNNING_HEIGHT);
            below.paint(g, WIDTH, HEIGHT - RUNNING_HEIGHT);
        } finally {
            g.dispose();
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", png);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode the chart of digest " + r.name(), e);
        }
        return png.toByteArray();
    }

    private static void line(CategorySeries s, Color color, BasicStroke stroke) {
        s.setChartCategorySeriesRenderStyle(CategorySeriesRenderStyle.Line);
        s.setLineColor(color);
        s.setLineStyle(stroke);
        s.setMarker(SeriesMarkers.NONE);
    }

    private static void style(CategoryChart chart, Metric metric) {
        CategoryStyler s = chart.getStyler();
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBackgroundColor(Color.WHITE);
        s.setPlotBorderVisible(false);
        s.setPlotGridVerticalLinesVisible(false);
        s.setPlotGridLinesColor(new Color(0xe5e7eb));
        s.setLegendBorderColor(new Color(0xd1d5db));
        s.setLegendBackgroundColor(new Color(255, 255, 255, 220));
        s.setOverlapped(true);
        s.setAvailableSpaceFill(0.8);
        s.setYAxisMin(0.0);
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

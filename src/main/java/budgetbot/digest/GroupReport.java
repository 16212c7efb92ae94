package budgetbot.digest;

import budgetbot.config.Metric;
import budgetbot.rules.Finding;
import budgetbot.usage.Series;

import java.util.List;
import java.util.Objects;

/**
 * One section of a digest: where a group's usage and money went in the report window.
 *
 * @param rankedBy       what the top lists and the headline change measure: cost when priced, else tokens
 * @param report         usage in the report window, from the source's own totals
 * @param previous       usage in the comparison window
 * @param budgets        the tightest budget groups first; empty for groups without a rule
 * @param alerts         alerts announced during the report window, oldest first
 * @param movers         the largest changes vs the comparison window, increases and decreases alike
 * @param consumers      the largest users in the report window
 * @param chart          usage per bar, every bar of the report window (zero ones too); the sum of the
 *                       source's buckets, which may differ from {@code report} when the source disagrees with itself
 * @param unpricedModels models of the group without a price, so their usage is missing from cost
 * @param lastHours      the anomaly findings of the group's rule as of the digest: each group's last complete hour
 *                       against its expected value, anomalous ones first
 */
public record GroupReport(String name, List<Series> series, Metric rankedBy, Consumption report, Consumption previous,
                          List<BudgetStanding> budgets, List<FiredAlert> alerts, List<SeriesLine> movers,
                          List<SeriesLine> consumers, List<ChartPoint> chart, List<String> unpricedModels,
                          List<Finding> lastHours) {
    public GroupReport {
        Objects.requireNonNull(name, "name");
        series = List.copyOf(series);
        Objects.requireNonNull(rankedBy, "rankedBy");
        Objects.requireNonNull(report, "report");
        Objects.requireNonNull(previous, "previous");
        budgets = List.copyOf(budgets);
        alerts = List.copyOf(alerts);
        movers = List.copyOf(movers);
        consumers = List.copyOf(consumers);
        chart = List.copyOf(chart);
        unpricedModels = List.copyOf(unpricedModels);
        lastHours = List.copyOf(lastHours);
    }

    public boolean priced() {
        return report.cost().isPresent();
    }

    /** Nothing at all was used in the report window. */
    public boolean noUsage() {
        return report.totals().isZero();
    }

    public Change change(Metric metric) {
        return new Change(previous.value(metric), report.value(metric));
    }

    /** The change people look at first: of cost when priced, else of tokens. */
    public Change headline() {
        return change(rankedBy);
    }

    public Consumption chartTotal() {
        return Consumption.sum(chart.stream().map(ChartPoint::amounts).toList());
    }
}

package budgetbot.digest;

import java.time.Instant;
import java.util.Objects;

/** Usage in one bar of the chart: an hour of a day digest, a local day of a week or month digest. */
public record ChartPoint(Instant start, Consumption amounts) {
    public ChartPoint {
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(amounts, "amounts");
    }
}

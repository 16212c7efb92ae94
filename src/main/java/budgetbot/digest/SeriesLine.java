package budgetbot.digest;

import budgetbot.usage.Series;

import java.util.Objects;

/** One series in a top list, with its value of the group's ranking metric in both windows. */
public record SeriesLine(Series series, Change change) {
    public SeriesLine {
        Objects.requireNonNull(series, "series");
        Objects.requireNonNull(change, "change");
    }
}

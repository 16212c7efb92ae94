package budgetbot.fetch;

import budgetbot.time.Window;
import budgetbot.usage.Series;
import budgetbot.usage.Usage;
import budgetbot.usage.UsageBucket;
import budgetbot.usage.UsageTotals;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Where {@link UsageFetcher} keeps the settled days of every series: the database ({@link SliceCache}) for checks,
 * or memory over it ({@link HeldDays}) for a backtest, which asks for the same days thousands of times.
 */
public interface SettledDays {
    /** The totals of the kept days among {@code wanted}, by series and day; days not kept are missing. */
    Map<Series, Map<Window, UsageTotals>> totals(Map<Series, ? extends Collection<Window>> wanted);

    /** The buckets of the kept days among {@code wanted}, by series and day. */
    Map<Series, Map<Window, List<UsageBucket>>> buckets(Map<Series, ? extends Collection<Window>> wanted);

    /** Keeps a settled day just fetched whole. */
    void store(Usage day);
}

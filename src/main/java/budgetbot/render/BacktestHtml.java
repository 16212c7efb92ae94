package budgetbot.render;

import budgetbot.backtest.BacktestReport;

/** Placeholder while the chart is written. */
public final class BacktestHtml {
    private BacktestHtml() {
    }

    public static String render(BacktestReport r, String config) {
        return Html.escape(BacktestText.render(r, config));
    }
}

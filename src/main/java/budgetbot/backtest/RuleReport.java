package budgetbot.backtest;

import budgetbot.config.RuleConfig;
import budgetbot.guard.Action;
import budgetbot.state.AlertEvent;
import budgetbot.state.AlertStatus;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What one rule would have done over a backtest.
 *
 * @param notifications every message on every channel, in time order
 * @param actions       the budget actions it would have triggered, in time order, each once per budget, group and
 *                      period: at {@code createdAt}, waiting for approval when manual, else applied at once
 * @param budgetPeak    the highest share of a budget's limit any group used (empty without budgets)
 * @param growthPeak    the highest increase any group showed (empty without growth checks, or no baseline)
 * @param chart         the rule's first budget (or growth check) over time
 */
public record RuleReport(RuleConfig rule, List<Notification> notifications, List<Action> actions,
                         Optional<Peak> budgetPeak, Optional<Peak> growthPeak, Optional<Chart> chart) {
    public RuleReport {
        Objects.requireNonNull(rule, "rule");
        notifications = List.copyOf(notifications);
        actions = List.copyOf(actions);
        Objects.requireNonNull(budgetPeak, "budgetPeak");
        Objects.requireNonNull(growthPeak, "growthPeak");
        Objects.requireNonNull(chart, "chart");
    }

    /**
     * The alerts it would have raised, each once however many channels it went to: firing, escalated and reminders,
     * in time order. Resolutions are not alerts.
     */
    public List<AlertEvent> alerts() {
        Map<List<Object>, AlertEvent> distinct = new LinkedHashMap<>();
        for (Notification n : notifications) {
            for (AlertEvent e : n.alerts()) {
                if (e.status() != AlertStatus.RESOLVED) {
                    distinct.putIfAbsent(List.of(n.at(), e.finding().fingerprint(), e.status(),
                            e.finding().level()), e);
                }
            }
        }
        return List.copyOf(distinct.values());
    }
}

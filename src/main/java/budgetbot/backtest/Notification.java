package budgetbot.backtest;

import budgetbot.state.AlertEvent;
import budgetbot.state.Notice;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One message a check would have sent to one channel: the alerts of one rule and group that became due at the same
 * moment (one message, as the outbox merges them), or a notice about what the rule could not see.
 *
 * @param at      the moment of the check that would have sent it
 * @param group   the alerts' group; empty for a notice
 * @param subject the message's subject, as rendered for that check
 */
public record Notification(Instant at, String rule, String group, String channel, String subject,
                           List<AlertEvent> alerts, Optional<Notice> notice) {
    public Notification {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(subject, "subject");
        alerts = List.copyOf(alerts);
        Objects.requireNonNull(notice, "notice");
        if (alerts.isEmpty() == notice.isEmpty()) {
            throw new IllegalArgumentException("a notification holds alerts or a notice");
        }
    }
}

package budgetbot.render;

import budgetbot.notify.Brief;
import budgetbot.notify.Message;
import budgetbot.state.AlertStatus;
import budgetbot.state.Notice;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Renders a {@link Notice} (a misconfigured scope, usage data unavailable, its recovery) laid out like an alert:
 * a headline, what is wrong and since when, and what happens meanwhile.
 */
public final class NoticeFormatter {
    private NoticeFormatter() {
    }

    /** The message of kind {@code notice} for {@code n}. */
    public static Message format(Notice n) {
        Objects.requireNonNull(n, "notice");
        String since = Format.moment(n.since(), n.zone());
        return switch (n.kind()) {
            case MISCONFIGURED -> alert(n, n.rule() + " is misconfigured: " + n.detail(), AlertStatus.FIRING,
                    List.of(new AlertFormatter.Fact("Problem", n.detail()),
                            new AlertFormatter.Fact("Meanwhile", "the rule keeps checking its other keys and models."
                                    + " Fix rules.yml or the key in UCloud; `budgetbot validate --online` lists every"
                                    + " such problem")));
            case UNAVAILABLE -> alert(n, n.rule() + ": usage data unavailable since " + since, AlertStatus.ESCALATED,
                    List.of(new AlertFormatter.Fact("Cause", n.detail()),
                            new AlertFormatter.Fact("Unavailable since", since + " (" + span(n) + ")"),
                            new AlertFormatter.Fact("Meanwhile", "the budgets and growth checks of this rule see no"
                                    + " new usage; a message follows when it can be fetched again")));
            case RECOVERED -> alert(n, "RECOVERED " + n.rule() + ": usage data available again", AlertStatus.RESOLVED,
                    List.of(new AlertFormatter.Fact("Unavailable", "from " + since + " to "
                                    + Format.moment(n.at(), n.zone()) + " (" + span(n) + ")"),
                            new AlertFormatter.Fact("Last error", n.detail())));
        };
    }

    private static Message alert(Notice n, String headline, AlertStatus tone, List<AlertFormatter.Fact> facts) {
        boolean misconfigured = n.kind() == Notice.Kind.MISCONFIGURED;
        Brief.Alert alert = BriefAlerts.notice(n.rule(), misconfigured ? "misconfigured" : "usage-unavailable",
                misconfigured ? n.detail() : "", n.kind() == Notice.Kind.RECOVERED, n.since(), n.at(), headline,
                facts.stream().map(f -> f.label() + ": " + f.value()).collect(Collectors.joining("\n")));
        return AlertFormatter.single("notice", headline, tone, facts, "Rule " + n.rule() + ". Times in "
                + n.zone().getId(), List.of(alert));
    }

    /** How long since the problem began: {@code 45 min}, {@code 3 h 5 min}, {@code 2 d 4 h}. */
    private static String span(Notice n) {
        Duration d = Duration.between(n.since(), n.at());
        if (d.toDays() > 0) {
            return d.toDays() + " d " + d.toHoursPart() + " h";
        }
        return d.toHours() > 0 ? d.toHours() + " h " + d.toMinutesPart() + " min" : d.toMinutes() + " min";
    }
}

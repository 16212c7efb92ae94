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

    /** The message of kind {@code notice} for {@code n}, in English. */
    public static Message format(Notice n) {
        return format(n, Words.EN);
    }

    /** The message of kind {@code notice} for {@code n}, in {@code w}. */
    public static Message format(Notice n, Words w) {
        Objects.requireNonNull(n, "notice");
        String since = Format.moment(n.since(), n.zone(), w);
        return switch (n.kind()) {
            case MISCONFIGURED -> alert(n, w.get("notice.misconfigured", n.rule(), n.detail()), AlertStatus.FIRING,
                    List.of(new AlertFormatter.Fact(w.get("fact.problem"), n.detail()),
                            new AlertFormatter.Fact(w.get("fact.meanwhile"), w.get("notice.misconfiguredMeanwhile"))),
                    w);
            case UNAVAILABLE -> alert(n, w.get("notice.unavailable", n.rule(), since), AlertStatus.ESCALATED,
                    List.of(new AlertFormatter.Fact(w.get("fact.cause"), n.detail()),
                            new AlertFormatter.Fact(w.get("fact.unavailableSince"),
                                    w.get("notice.since", since, span(n, w))),
                            new AlertFormatter.Fact(w.get("fact.meanwhile"), w.get("notice.unavailableMeanwhile"))),
                    w);
            case RECOVERED -> alert(n, w.get("notice.recovered", n.rule()),
                    AlertStatus.RESOLVED,
                    List.of(new AlertFormatter.Fact(w.get("fact.unavailable"), w.get("notice.fromTo", since,
                                    Format.moment(n.at(), n.zone(), w), span(n, w))),
                            new AlertFormatter.Fact(w.get("fact.lastError"), n.detail())), w);
        };
    }

    private static Message alert(Notice n, String headline, AlertStatus tone, List<AlertFormatter.Fact> facts,
                                 Words w) {
        boolean misconfigured = n.kind() == Notice.Kind.MISCONFIGURED;
        Brief.Alert alert = BriefAlerts.notice(n.rule(), misconfigured ? "misconfigured" : "usage-unavailable",
                misconfigured ? n.detail() : "", n.kind() == Notice.Kind.RECOVERED, n.since(), n.at(), headline,
                facts.stream().map(f -> w.get("fact", f.label(), f.value())).collect(Collectors.joining("\n")));
        return AlertFormatter.single("notice", headline, tone, facts, w.get("notice.footer", n.rule(),
                n.zone().getId()), List.of(alert), w);
    }

    /** How long since the problem began: {@code 45 min}, {@code 3 h 5 min}, {@code 2 d 4 h}. */
    private static String span(Notice n, Words w) {
        Duration d = Duration.between(n.since(), n.at());
        if (d.toDays() > 0) {
            return w.get("span.days", d.toDays(), d.toHoursPart());
        }
        return d.toHours() > 0 ? w.get("span.hours", d.toHours(), d.toMinutesPart())
                : w.get("span.minutes", d.toMinutes());
    }
}

package budgetbot.render;

import budgetbot.guard.Action;
import budgetbot.guard.ActionEvent;
import budgetbot.notify.Message;
import budgetbot.state.AlertStatus;

import java.util.ArrayList;
import java.util.List;

/**
 * What the channels of a rule are told about its budget actions, laid out like a notice: that one waits for
 * approval (and how to give it), was carried out (and how to undo it), was refused by UCloud, or was undone. A
 * message asking for approval carries Approve and Reject buttons, which a Slack bot with a signing secret shows.
 */
public final class ActionWords {
    private ActionWords() {
    }

    public static Message format(ActionEvent e, Words w) {
        Action a = e.action();
        String what = w.get("action.what." + a.what().name(), a.keyId(), a.field(), a.target());
        String id = Long.toString(a.id());
        List<AlertFormatter.Fact> facts = new ArrayList<>(List.of(new AlertFormatter.Fact(w.get("fact.action"),
                what)));
        String headline;
        AlertStatus tone;
        switch (e.kind()) {
            case WAITING -> {
                headline = w.get("action.waiting", id, what);
                tone = AlertStatus.FIRING;
                facts.add(new AlertFormatter.Fact(w.get("fact.approve"), w.get("action.approveHow", id)));
            }
            case APPLIED -> {
                headline = w.get("action.applied", id, what);
                tone = AlertStatus.ESCALATED;
                a.before().ifPresent(b -> facts.add(new AlertFormatter.Fact(w.get("fact.before"),
                        w.get("action.before", a.field(), b))));
                facts.add(new AlertFormatter.Fact(w.get("fact.undo"), w.get("action.undoHow", id)));
            }
            case REVERTED -> {
                headline = w.get("action.reverted", id, a.keyId(), a.field(), a.before().orElse("?"));
                tone = AlertStatus.RESOLVED;
            }
            case FAILED -> {
                headline = w.get("action.failed", id, what);
                tone = AlertStatus.ESCALATED;
            }
            case INTERRUPTED -> {
                headline = w.get("action.interrupted", id, what);
                tone = AlertStatus.ESCALATED;
            }
            default -> {
                headline = w.get("action.revertFailed", id, what);
                tone = AlertStatus.ESCALATED;
            }
        }
        e.detail().ifPresent(d -> facts.add(new AlertFormatter.Fact(w.get("fact.ucloud"), d)));
        String footer = w.get("action.footer", a.rule(), a.group(), a.condition(),
                w.dayAndTime(a.periodStart().atZone(e.zone())));
        Message m = AlertFormatter.single("action", headline, tone, facts, footer, List.of(), w);
        return e.kind() == ActionEvent.Kind.WAITING ? m.withSlackActions(SlackButtons.approval(a, what, w)) : m;
    }
}

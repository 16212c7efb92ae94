package budgetbot.render;

import budgetbot.guard.Action;
import budgetbot.guard.ActionEvent;
import budgetbot.notify.Message;
import budgetbot.rules.Finding;
import budgetbot.state.AlertStatus;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * What the channels of a rule are told about its budget actions, laid out like a notice: that one waits for
 * approval (and how to give it), was carried out (and how to undo it), was refused by UCloud, or was undone. A
 * message asking for approval carries Approve and Reject buttons, which a Slack bot with a signing secret shows.
 */
public final class ActionWords {
    private ActionWords() {
    }

    /**
     * What each of {@code actions} is doing, for the budget alert of its rule, condition, group and period
     * ({@link AlertFormatter#format(List, KeyLabels, Words, Function)}): "#7 waits for approval: disable key … —
     * budgetbot action approve 7 (or reject 7)".
     */
    public static Function<Finding, Optional<String>> notes(List<Action> actions, Words w) {
        return f -> actions.stream().filter(a -> a.condition().equals(f.condition()) && a.group().equals(f.group())
                        && a.periodStart().equals(f.window().start())).findFirst()
                .map(a -> w.get("action.note." + a.status().name(), Long.toString(a.id()),
                        w.get("action.what." + a.what().name(), a.keyId(), a.field(), a.target())));
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

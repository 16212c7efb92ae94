package budgetbot.guard;

import budgetbot.config.Budget;
import budgetbot.config.BudgetAction;
import budgetbot.config.RuleConfig;
import budgetbot.rules.Finding;
import budgetbot.rules.Kind;
import budgetbot.state.Announcer;
import budgetbot.state.StateStore;
import budgetbot.time.PeriodUnit;
import budgetbot.ucloud.UCloudException;
import budgetbot.usage.KeyEditor;
import budgetbot.usage.KeyLimits;
import budgetbot.usage.UsageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.OptionalInt;
import java.util.function.Function;

/**
 * Budget actions: what a budget's {@code action:} does to its group's key through UCloud, once per rule, budget,
 * group and period (across a cluster: the audit table's unique key decides), with manual approval or at once, undo,
 * and an audit of every step. A dry run, a backtest and a read-only state only say what they would do: they never
 * call {@code UpdateUMInferAPIKey}. UCloud refusing a change is announced on the rule's channels, not only logged.
 *
 * <p>{@link #approve} and {@link #reject} are what a chat button calls too (issue 22): they return what happened.
 */
public final class Actions {
    private static final Logger log = LoggerFactory.getLogger(Actions.class);
    static final String DISABLED = "ModelverseDisabled";
    static final String DAILY_LIMIT = "DailyLimitAmount";
    static final String MONTHLY_LIMIT = "MonthlyLimitAmount";
    /**
     * How long an action may stay applying or reverting before it counts as interrupted: far beyond one UCloud call
     * with all its retries, so that a slow instance is never overtaken.
     */
    static final Duration INTERRUPTED_AFTER = Duration.ofMinutes(10);
    private static final String REVERT_FAILED = "REVERT_FAILED";
    /** Who finishes an interrupted action, in its audit. */
    private static final String INTERRUPTED = "budgetbot, after an interruption";

    private final StateStore store;
    private final Optional<KeyEditor> editor;
    private final Function<String, List<String>> channels;
    private final Function<Instant, Announcer<ActionEvent>> announcer;
    private final Clock clock;
    private final ZoneId zone;

    /**
     * @param editor    where keys are changed; empty for a replay or a dry run, which change nothing
     * @param channels  the channels of a rule by name (none for a rule no longer configured)
     * @param announcer queues what happened to an action, in the transaction that records it
     */
    public Actions(StateStore store, Optional<KeyEditor> editor, Function<String, List<String>> channels,
                   Function<Instant, Announcer<ActionEvent>> announcer, Clock clock, ZoneId zone) {
        this.store = Objects.requireNonNull(store, "store");
        this.editor = Objects.requireNonNull(editor, "editor");
        this.channels = Objects.requireNonNull(channels, "channels");
        this.announcer = Objects.requireNonNull(announcer, "announcer");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.zone = Objects.requireNonNull(zone, "zone");
    }

    /** What {@link #approve}, {@link #reject} or {@link #revert} did. */
    public record Result(Outcome outcome, Optional<Action> action, String message) {
    }

    public enum Outcome {
        /** Done as asked. */
        DONE,
        /** There is no action with this id. */
        NOT_FOUND,
        /** The action is not in a state that allows it (already approved, rejected, reverted...). */
        FINISHED,
        /** UCloud refused the change or could not be reached; the action says so, and its channels were told. */
        FAILED
    }

    /**
     * Triggers the actions of {@code rule}'s budgets whose findings reached their {@code at} (each once per period:
     * an automatic one is carried out, a manual one waits for approval) and undoes those that end with their period.
     *
     * @param rule   the rule with its resolved scope: an action never touches a key outside it
     * @param dryRun say what would happen, change and record nothing
     * @return one line per action triggered, carried out or undone, or in a dry run that would be
     */
    public List<String> review(RuleConfig rule, List<Finding> findings, Instant at, boolean dryRun) {
        List<String> lines = new ArrayList<>();
        if (!dryRun && editor.isPresent()) {
            lines.addAll(recoverInterrupted());
        }
        List<Action> drafts = due(rule, findings, at);
        if (dryRun || editor.isEmpty()) {
            List<Action> recorded = drafts.isEmpty() ? List.of() : during(rule.name(), at);
            drafts.stream().filter(d -> recorded.stream().noneMatch(a -> a.condition().equals(d.condition())
                            && a.group().equals(d.group()) && a.periodStart().equals(d.periodStart())))
                    .forEach(d -> lines.add("would " + (d.approval() == BudgetAction.Approval.MANUAL
                            ? "ask for approval to " : "") + d.describe() + " (UpdateUMInferAPIKey not sent)"));
        } else {
            drafts.forEach(d -> trigger(d).ifPresent(lines::add));
        }
        if (!dryRun && editor.isPresent()) {
            for (Action due : store.autoCommit("read the actions due to be undone",
                    c -> ActionLog.dueReverts(c, rule.name(), at))) {
                lines.add(revert(due.id(), "periodEnd").message());
            }
        }
        return lines;
    }

    /**
     * The actions of {@code rule}'s budgets whose findings reached their {@code at}, as drafts not yet recorded
     * (id 0; pending when manual, else applying): what {@link #review} triggers, and what a backtest shows. Only a
     * group of one key in the rule's scope qualifies.
     *
     * @param rule the rule with its resolved scope
     */
    public static List<Action> due(RuleConfig rule, List<Finding> findings, Instant at) {
        List<Action> due = new ArrayList<>();
        for (int i = 0; i < rule.budgets().size(); i++) {
            Budget budget = rule.budgets().get(i);
            if (budget.action().isEmpty()) {
                continue;
            }
            BudgetAction action = budget.action().get();
            String prefix = "budget[" + i + "]:";
            for (Finding f : findings) {
                if (f.kind() == Kind.BUDGET && f.condition().startsWith(prefix) && f.limit().isPresent()
                        && f.used().compareTo(action.at().multiply(f.limit().get())) >= 0 && f.keys().size() == 1
                        && rule.keys().values().contains(f.keys().get(0))) {
                    due.add(draft(rule, f, budget, action, at));
                }
            }
        }
        return due;
    }

    private static Action draft(RuleConfig rule, Finding f, Budget budget, BudgetAction action, Instant at) {
        String field = action.what() == BudgetAction.Do.DISABLE ? DISABLED
                : budget.period() == PeriodUnit.MONTH ? MONTHLY_LIMIT : DAILY_LIMIT;
        String target = action.what() == BudgetAction.Do.DISABLE ? "1"
                : budget.limitFor(f.group()).stripTrailingZeros().toPlainString();
        Action.Status status = action.approval() == BudgetAction.Approval.MANUAL ? Action.Status.PENDING
                : Action.Status.APPLYING;
        return new Action(0, rule.name(), f.condition(), f.group(), f.window().start(), f.window().end(),
                f.keys().get(0), action.what(), field, target, action.approval(), action.untilPeriodEnd(), status,
                Optional.empty(), at, at);
    }

    /** Records a new action (unless its period has one) and carries it out when it is automatic. */
    private Optional<String> trigger(Action draft) {
        Instant now = clock.instant();
        Optional<Action> created = store.inTransaction("record an action of rule " + draft.rule(), c -> {
            Optional<Action> a = ActionLog.insert(c, draft);
            if (a.isPresent()) {
                ActionLog.audit(c, new ActionLog.Entry(a.get().id(), now, "TRIGGERED", "rule " + draft.rule(),
                        Optional.empty(), Optional.of(draft.target()), OptionalInt.empty(), Optional.empty(),
                        Optional.of(draft.approval().yamlName() + " approval")));
                if (a.get().status() == Action.Status.PENDING) {
                    announce(c, a.get(), ActionEvent.Kind.WAITING, Optional.empty(), now);
                }
            }
            return a;
        });
        if (created.isEmpty()) {
            return Optional.empty();
        }
        Action a = created.get();
        if (a.status() == Action.Status.PENDING) {
            log.info("action #{} of rule {} waits for approval: {}", a.id(), a.rule(), a.describe());
            return Optional.of("action #" + a.id() + " waits for approval: " + a.describe()
                    + "; budgetbot action approve " + a.id() + " (or reject " + a.id() + ")");
        }
        return Optional.of(apply(a, "auto").message());
    }

    /** Approves a pending action and carries it out now. */
    public Result approve(long id, String by) {
        return decide(id, Action.Status.APPLYING, "approve", "APPROVED", by, a -> apply(a, by));
    }

    /** Rejects a pending action: UCloud is never asked. */
    public Result reject(long id, String by) {
        return decide(id, Action.Status.REJECTED, "reject", "REJECTED", by, a -> {
            log.info("action #{} rejected by {}", id, by);
            return new Result(Outcome.DONE, Optional.of(a), "action #" + id + " rejected by " + by + ": "
                    + a.describe() + " will not happen");
        });
    }

    /** Moves a pending action to {@code to} (or says why it cannot), audits who decided, then goes on. */
    private Result decide(long id, Action.Status to, String verb, String event, String by,
                          Function<Action, Result> then) {
        Instant now = clock.instant();
        Optional<Result> refused = claim(id, Action.Status.PENDING, to, now, verb);
        if (refused.isPresent()) {
            return refused.get();
        }
        Action a = store.inTransaction("record who decided action " + id, c -> {
            ActionLog.audit(c, new ActionLog.Entry(id, now, event, by, Optional.empty(), Optional.empty(),
                    OptionalInt.empty(), Optional.empty(), Optional.empty()));
            return ActionLog.find(c, id).orElseThrow();
        });
        return then.apply(a);
    }

    /** Restores the value the key had before the action, as UCloud listed it just before acting. */
    public Result revert(long id, String by) {
        Instant now = clock.instant();
        if (editor.isEmpty()) {
            return new Result(Outcome.FAILED, Optional.empty(), "this budgetbot cannot change keys (a dry run)");
        }
        Optional<Result> refused = claim(id, Action.Status.APPLIED, Action.Status.REVERTING, now, "revert");
        if (refused.isPresent()) {
            return refused.get();
        }
        Action a = store.autoCommit("read action " + id, c -> ActionLog.find(c, id)).orElseThrow();
        String before = a.before().orElseThrow();
        try {
            String requestId = editor.get().updateKey(a.keyId(), Map.of(a.field(), before));
            Action reverted = store.inTransaction("record the undoing of action " + id, c -> {
                ActionLog.move(c, id, Action.Status.REVERTING, Action.Status.REVERTED, now);
                ActionLog.audit(c, new ActionLog.Entry(id, now, "REVERTED", by, Optional.of(a.target()),
                        Optional.of(before), OptionalInt.of(0), Optional.of(requestId), Optional.empty()));
                Action r = ActionLog.find(c, id).orElseThrow();
                announce(c, r, ActionEvent.Kind.REVERTED, Optional.empty(), now);
                return r;
            });
            log.info("action #{} undone by {}: {} {}={} again", id, by, a.keyId(), a.field(), before);
            return new Result(Outcome.DONE, Optional.of(reverted), "action #" + id + " undone: " + a.keyId() + " "
                    + a.field() + "=" + before + " again");
        } catch (UsageException e) {
            store.inTransaction("record that undoing action " + id + " failed", c -> {
                // an undo at the period's end is tried again at every check: its channels hear of the first failure
                boolean again = ActionLog.audit(c, id).stream().reduce((x, y) -> y)
                        .filter(last -> last.event().equals(REVERT_FAILED)).isPresent();
                ActionLog.move(c, id, Action.Status.REVERTING, Action.Status.APPLIED, now);
                ActionLog.audit(c, refusal(id, now, REVERT_FAILED, by, a.target(), before, e));
                if (!again) {
                    announce(c, a, ActionEvent.Kind.REVERT_FAILED, Optional.of(e.getMessage()), now);
                }
                return null;
            });
            log.warn("action #{} could not be undone: {}", id, e.getMessage());
            return new Result(Outcome.FAILED, Optional.of(a), "action #" + id + " could not be undone: "
                    + e.getMessage());
        }
    }

    /**
     * Finishes the actions a stopped process left applying or reverting (it died, or lost its database, between
     * claiming one and recording UCloud's answer): what the key shows now on UCloud decides. A change UCloud made is
     * recorded as made; one it did not is sent again while the action's period lasts (an undo, at any time), or else
     * given up and announced. Any instance of a cluster may do it, once per action.
     */
    private List<String> recoverInterrupted() {
        Instant now = clock.instant();
        Instant before = now.minus(INTERRUPTED_AFTER);
        List<String> lines = new ArrayList<>();
        for (Action a : store.autoCommit("read the interrupted actions", c -> ActionLog.interrupted(c, before))) {
            if (!store.inTransaction("take over action " + a.id(), c -> ActionLog.takeOver(c, a, before, now))) {
                continue;
            }
            try {
                lines.add(recover(a, now));
            } catch (UsageException e) {
                log.warn("action #{} was interrupted and UCloud cannot say what the key is now ({}); trying again in"
                        + " {}", a.id(), e.getMessage(), INTERRUPTED_AFTER);
                lines.add("action #" + a.id() + " was interrupted; the key could not be read (" + e.getMessage()
                        + "): tried again later");
            }
        }
        return lines;
    }

    private String recover(Action a, Instant now) {
        Optional<String> current = editor.orElseThrow().limitsNow(a.keyId()).map(l -> current(l, a.field()));
        String seen = current.map(v -> "UCloud lists " + a.keyId() + " with " + a.field() + "=" + v)
                .orElse("UCloud does not list " + a.keyId() + " any more");
        log.info("action #{} was interrupted while {}; {}", a.id(), a.status().name().toLowerCase(Locale.ROOT), seen);
        if (a.status() == Action.Status.REVERTING) {
            String before = a.before().orElseThrow();
            if (!current.equals(Optional.of(before))) {
                store.inTransaction("resume undoing action " + a.id(),
                        c -> ActionLog.move(c, a.id(), Action.Status.REVERTING, Action.Status.APPLIED, now));
                return revert(a.id(), INTERRUPTED).message();
            }
            store.inTransaction("record that action " + a.id() + " was undone", c -> {
                ActionLog.move(c, a.id(), Action.Status.REVERTING, Action.Status.REVERTED, now);
                ActionLog.audit(c, new ActionLog.Entry(a.id(), now, "RECOVERED", INTERRUPTED, Optional.of(a.target()),
                        Optional.of(before), OptionalInt.empty(), Optional.empty(), Optional.of(seen)));
                announce(c, ActionLog.find(c, a.id()).orElseThrow(), ActionEvent.Kind.REVERTED, Optional.empty(), now);
                return null;
            });
            return "action #" + a.id() + " was undone before an interruption: " + seen;
        }
        if (a.before().isPresent() && current.equals(Optional.of(a.target()))) {
            store.inTransaction("record that action " + a.id() + " was applied", c -> {
                ActionLog.applied(c, a.id(), a.before().get(), now);
                ActionLog.audit(c, new ActionLog.Entry(a.id(), now, "RECOVERED", INTERRUPTED, a.before(),
                        Optional.of(a.target()), OptionalInt.empty(), Optional.empty(), Optional.of(seen)));
                announce(c, ActionLog.find(c, a.id()).orElseThrow(), ActionEvent.Kind.APPLIED, Optional.empty(), now);
                return null;
            });
            return "action #" + a.id() + " was applied before an interruption: " + seen + "; undo: budgetbot action"
                    + " revert " + a.id();
        }
        if (current.isPresent() && now.isBefore(a.periodEnd())) {
            return apply(a, INTERRUPTED).message();
        }
        String why = current.isEmpty() ? seen + ": there is nothing to change"
                : seen + ": the change was not made, and its period ended before budgetbot could send it again";
        store.inTransaction("record that action " + a.id() + " was given up", c -> {
            ActionLog.move(c, a.id(), Action.Status.APPLYING, Action.Status.FAILED, now);
            ActionLog.audit(c, new ActionLog.Entry(a.id(), now, "INTERRUPTED", INTERRUPTED, current,
                    Optional.empty(), OptionalInt.empty(), Optional.empty(), Optional.of(why)));
            announce(c, a, ActionEvent.Kind.INTERRUPTED, Optional.of(why), now);
            return null;
        });
        log.warn("action #{} given up: {}", a.id(), why);
        return "action #" + a.id() + " was interrupted and given up: " + why;
    }

    /** Who approved, rejected or undid the action last, from the audit; empty when nobody has. */
    public Optional<String> decidedBy(long id) {
        return store.autoCommit("read the audit of action " + id, c -> ActionLog.audit(c, id)).stream()
                .filter(e -> !e.event().equals("TRIGGERED")).reduce((a, b) -> b).map(ActionLog.Entry::actor);
    }

    /** How many actions are in each status ({@code applied}: 3), for /metrics. */
    public Map<String, Long> countByStatus() {
        Map<String, Long> counts = new TreeMap<>();
        list().forEach(a -> counts.merge(a.status().name().toLowerCase(Locale.ROOT), 1L, Long::sum));
        return counts;
    }

    /** The actions of {@code rule} whose period holds {@code at}: what its alerts as of {@code at} are about. */
    public List<Action> during(String rule, Instant at) {
        return store.autoCommit("read the actions of rule " + rule, c -> ActionLog.during(c, rule, at));
    }

    /** Every action, newest first. */
    public List<Action> list() {
        return store.autoCommit("read the actions", ActionLog::all);
    }

    /** Moves the action, or says why not: no such action, or it is not in {@code from}. */
    private Optional<Result> claim(long id, Action.Status from, Action.Status to, Instant now, String verb) {
        return store.inTransaction(verb + " action " + id, c -> {
            Optional<Action> a = ActionLog.find(c, id);
            if (a.isEmpty()) {
                return Optional.of(new Result(Outcome.NOT_FOUND, Optional.empty(), "there is no action #" + id
                        + "; `budgetbot action list` lists them"));
            }
            if (!ActionLog.move(c, id, from, to, now)) {
                return Optional.of(new Result(Outcome.FINISHED, a, "action #" + id + " is "
                        + a.get().status().name().toLowerCase(Locale.ROOT) + ", not "
                        + from.name().toLowerCase(Locale.ROOT) + ": it cannot be " + verb
                        + (verb.endsWith("e") ? "d" : "ed")));
            }
            return Optional.empty();
        });
    }

    /** Carries out an action claimed as APPLYING: reads the key's value now, then changes it. */
    private Result apply(Action a, String by) {
        Instant now = clock.instant();
        try {
            KeyLimits limits = editor.orElseThrow().limitsNow(a.keyId()).orElseThrow(() -> new UsageException(
                    "UCloud does not list key " + a.keyId() + " any more", null));
            String before = current(limits, a.field());
            store.inTransaction("keep what action " + a.id() + " changes", c -> {
                ActionLog.sending(c, a.id(), before, clock.instant());
                return null;
            });
            String requestId = editor.get().updateKey(a.keyId(), Map.of(a.field(), a.target()));
            Action applied = store.inTransaction("record that action " + a.id() + " was applied", c -> {
                ActionLog.applied(c, a.id(), before, now);
                ActionLog.audit(c, new ActionLog.Entry(a.id(), now, "APPLIED", by, Optional.of(before),
                        Optional.of(a.target()), OptionalInt.of(0), Optional.of(requestId), Optional.empty()));
                Action r = ActionLog.find(c, a.id()).orElseThrow();
                announce(c, r, ActionEvent.Kind.APPLIED, Optional.empty(), now);
                return r;
            });
            log.info("action #{} applied ({}): {} (was {}), request id {}", a.id(), by, a.describe(), before,
                    requestId);
            return new Result(Outcome.DONE, Optional.of(applied), "action #" + a.id() + " applied: " + a.describe()
                    + ", was " + before + "; undo: budgetbot action revert " + a.id());
        } catch (UsageException e) {
            store.inTransaction("record that action " + a.id() + " failed", c -> {
                ActionLog.move(c, a.id(), Action.Status.APPLYING, Action.Status.FAILED, now);
                ActionLog.audit(c, refusal(a.id(), now, "FAILED", by, null, a.target(), e));
                announce(c, a, ActionEvent.Kind.FAILED, Optional.of(e.getMessage()), now);
                return null;
            });
            log.warn("action #{} failed: UCloud did not {}: {}", a.id(), a.describe(), e.getMessage());
            return new Result(Outcome.FAILED, Optional.of(a), "action #" + a.id() + " failed: " + e.getMessage());
        }
    }

    private static ActionLog.Entry refusal(long id, Instant now, String event, String by, String before, String after,
                                           UsageException e) {
        OptionalInt retCode = e instanceof UCloudException u ? u.retCode() : OptionalInt.empty();
        Optional<String> requestId = e instanceof UCloudException u ? u.requestId() : Optional.empty();
        return new ActionLog.Entry(id, now, event, by, Optional.ofNullable(before), Optional.ofNullable(after),
                retCode, requestId, Optional.of(e.getMessage()));
    }

    /** The field's value as listed: what a revert writes back ("0" for no limit, or enabled). */
    static String current(KeyLimits limits, String field) {
        return switch (field) {
            case DISABLED -> limits.modelverseDisabled() ? "1" : "0";
            case DAILY_LIMIT -> limits.daily().amount().stripTrailingZeros().toPlainString();
            case MONTHLY_LIMIT -> limits.monthly().amount().stripTrailingZeros().toPlainString();
            default -> throw new IllegalArgumentException("not a field an action sets: " + field);
        };
    }

    private void announce(Connection c, Action a, ActionEvent.Kind kind, Optional<String> detail,
                          Instant now) throws SQLException {
        List<String> to = channels.apply(a.rule());
        if (to.isEmpty()) {
            log.warn("action #{}: rule {} is no longer configured; nobody is told that it is {}", a.id(), a.rule(),
                    kind.name().toLowerCase(Locale.ROOT));
        }
        Announcer<ActionEvent> queue = announcer.apply(now);
        ActionEvent event = new ActionEvent(a, kind, detail, zone);
        for (String channel : to) {
            queue.queue(c, "action|" + a.id() + "|" + kind + "|" + a.updatedAt() + "|" + channel, channel, event);
        }
    }
}

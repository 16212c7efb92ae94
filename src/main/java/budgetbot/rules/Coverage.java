package budgetbot.rules;

import budgetbot.config.Budget;
import budgetbot.config.Growth;
import budgetbot.config.Located;
import budgetbot.config.Metric;
import budgetbot.config.Prices;
import budgetbot.config.RuleConfig;
import budgetbot.config.Selection;
import budgetbot.config.Suggest;
import budgetbot.usage.ApiKey;
import budgetbot.usage.Series;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;

/**
 * What a rule watches once its keys and models are checked against the API keys UCloud lists: the names it writes
 * (or what {@code *} stands for) that exist, are enabled, unexpired and granted; the series among them that can
 * have usage; and a problem for every name that cannot be watched. A pure function of the rule, the keys and a time.
 *
 * @param rule     the rule with its scope resolved: {@code *} replaced, names UCloud cannot serve left out
 * @param series   the pairs that can have usage: each usable key with each of the rule's models it may call
 * @param problems every name of the rule UCloud cannot serve, keys first, in the order the rule writes them
 * @param checked  false when UCloud's keys are not known: the rule is taken as written and nothing is reported
 */
public record Coverage(RuleConfig rule, List<Series> series, List<Problem> problems, boolean checked) {
    private static final int NAMES_SHOWN = 10;

    /**
     * A name of a rule that cannot be watched.
     *
     * @param cause   what is wrong, the same on every check while it lasts, e.g. {@code unknown-key:uminferapikey-x}
     * @param where   the name in rules.yml it is about ({@code *} for problems of what {@code *} stands for)
     * @param message what is wrong, with the nearest real name and the names there are
     */
    public record Problem(String cause, Located where, String message) {
        public Problem {
            Objects.requireNonNull(cause, "cause");
            Objects.requireNonNull(where, "where");
            Objects.requireNonNull(message, "message");
        }
    }

    public Coverage {
        Objects.requireNonNull(rule, "rule");
        series = List.copyOf(series);
        problems = List.copyOf(problems);
    }

    /**
     * The rule as written, unchecked, for when UCloud's keys could not be listed.
     *
     * @throws IllegalArgumentException when the rule names {@code *}, which means nothing without the list
     */
    public static Coverage asWritten(RuleConfig rule) {
        return new Coverage(rule, Grouping.series(rule), List.of(), false);
    }

    /**
     * The rule checked against {@code apiKeys} at {@code at}.
     *
     * @param prices the price list: a model that {@code *} brings into a cost budget needs a price
     */
    public static Coverage of(RuleConfig rule, List<ApiKey> apiKeys, Instant at, Prices prices) {
        Map<String, ApiKey> byId = new LinkedHashMap<>();
        apiKeys.forEach(k -> byId.putIfAbsent(k.id(), k));
        List<Problem> problems = new ArrayList<>();
        List<ApiKey> keys = keys(rule.keys(), byId, at, problems);
        limitsOfUnknownKeys(rule, byId.keySet(), problems);
        List<String> models = models(rule, keys, byId.values(), prices, problems);
        List<Series> series = keys.stream().flatMap(k -> models.stream().filter(k::mayCall)
                .map(m -> new Series(k.id(), m))).toList();
        return new Coverage(rule.withScope(keys.stream().map(ApiKey::id).toList(), models), series, problems, true);
    }

    /** A budget's limit for a key the project does not have (a typo under {@code keys: ["*"]}) limits nothing. */
    private static void limitsOfUnknownKeys(RuleConfig rule, Set<String> known, List<Problem> problems) {
        rule.budgets().stream().flatMap(b -> b.limits().keySet().stream()).distinct().sorted()
                .filter(id -> !known.contains(id))
                .forEach(id -> problems.add(new Problem("unknown-limit-key:" + id, rule.keys().names().get(0),
                        "a budget's limit names key \"" + id + "\", which the project does not have: that limit"
                        + " applies to no key" + Suggest.didYouMean(id, known))));
    }

    private static List<ApiKey> keys(Selection selection, Map<String, ApiKey> byId, Instant at,
                                     List<Problem> problems) {
        if (selection.every()) {
            List<ApiKey> usable = byId.values().stream().filter(k -> k.usableAt(at)).toList();
            if (usable.isEmpty()) {
                problems.add(new Problem("no-keys", selection.names().get(0), "no enabled, unexpired API key in the"
                        + " project; its keys: " + Suggest.names(byId.keySet(), NAMES_SHOWN)));
            }
            return usable;
        }
        Set<ApiKey> usable = new LinkedHashSet<>();
        for (Located name : selection.names()) {
            String id = name.value();
            ApiKey key = byId.get(id);
            if (key == null) {
                problems.add(new Problem("unknown-key:" + id, name, "unknown key \"" + id + "\""
                        + Suggest.didYouMean(id, byId.keySet()) + "; the project's keys: "
                        + Suggest.names(byId.keySet(), NAMES_SHOWN)));
            } else if (!key.enabled()) {
                problems.add(new Problem("disabled-key:" + id, name, "key \"" + id + "\" is disabled in UCloud"));
            } else if (key.expiredAt(at)) {
                problems.add(new Problem("expired-key:" + id, name, "key \"" + id + "\" expired at "
                        + key.expires().orElseThrow()));
            } else {
                usable.add(key);
            }
        }
        return List.copyOf(usable);
    }

    private static List<String> models(RuleConfig rule, List<ApiKey> keys, Collection<ApiKey> all, Prices prices,
                                       List<Problem> problems) {
        Selection selection = rule.models();
        if (selection.every()) {
            Set<String> models = callable(keys.stream());
            keys.stream().filter(k -> k.models().isEmpty()).forEach(k -> problems.add(new Problem(
                    "unlisted-models:" + k.id(), selection.names().get(0), "UCloud would not list the models key \""
                    + k.id() + "\" may call: \"*\" covers only those other keys may call")));
            if (costs(rule)) {
                models.stream().filter(m -> prices.of(m).isEmpty()).forEach(m -> problems.add(new Problem(
                        "no-price:" + m, selection.names().get(0), "model \"" + m + "\" has no price under"
                        + " prices.models: its cost counts as zero")));
            }
            return List.copyOf(models);
        }
        Set<String> served = callable(all.stream().filter(ApiKey::enabled));
        // a key whose models UCloud would not list may call any of them: then no model is unknown for sure
        boolean unlisted = all.stream().anyMatch(k -> k.enabled() && k.models().isEmpty());
        Set<String> models = new LinkedHashSet<>();
        for (Located name : selection.names()) {
            String model = name.value();
            if (!served.contains(model) && !unlisted) {
                problems.add(new Problem("unknown-model:" + model, name, "unknown model \"" + model + "\": no key of"
                        + " the project may call it" + Suggest.didYouMean(model, served) + "; models they may call: "
                        + Suggest.names(served, NAMES_SHOWN)));
                continue;
            }
            models.add(model);
            // with keys: "*" the rule watches whoever may call the model; only a key named for it must be granted
            if (!rule.keys().every()) {
                keys.stream().filter(k -> !k.mayCall(model)).forEach(k -> problems.add(new Problem(
                        "not-granted:" + k.id() + " x " + model, name, "key \"" + k.id() + "\" may not call model \""
                        + model + "\"" + Suggest.didYouMean(model, k.models().orElseThrow()) + "; it may call: "
                        + Suggest.names(k.models().orElseThrow(), NAMES_SHOWN))));
            }
        }
        return List.copyOf(models);
    }

    private static Set<String> callable(Stream<ApiKey> keys) {
        Set<String> models = new LinkedHashSet<>();
        keys.forEach(k -> k.models().ifPresent(models::addAll));
        return models;
    }

    private static boolean costs(RuleConfig rule) {
        return Stream.concat(rule.budgets().stream().map(Budget::metric), rule.growth().stream().map(Growth::metric))
                .anyMatch(m -> m == Metric.COST);
    }
}

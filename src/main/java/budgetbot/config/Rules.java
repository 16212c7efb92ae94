package budgetbot.config;

import budgetbot.time.PeriodUnit;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads {@code rules:} (budgets, growth and anomaly checks) and {@code digests:} (scheduled summaries). */
final class Rules {
    static final String DEFAULT_SCHEDULE = "0 */5 * * * ?";
    static final String DEFAULT_DIGEST_SCHEDULE = "0 0 9 * * ?";
    static final List<BigDecimal> DEFAULT_THRESHOLDS = List.of(new BigDecimal("0.8"), BigDecimal.ONE);
    static final BigDecimal DEFAULT_FORECAST_AFTER = new BigDecimal("0.1");
    static final int DEFAULT_TOP = 5;
    /** Names land in database keys (alert_state: rule 200, grp 500 characters; usage_slice: model 500). */
    static final int MAX_NAME = 100;
    static final int MAX_KEY = 100;
    static final int MAX_MODEL = Values.MAX_NAME_LENGTH;
    static final Duration DEFAULT_STALE_AFTER = Duration.ofMinutes(30);
    /** A quiet range is a holiday, not a season: a year at most, so that a typo cannot fill memory with days. */
    static final int MAX_QUIET_DAYS = 366;
    private static final Pattern QUIET = Pattern.compile("(\\d{4}-\\d{2}-\\d{2})(?:\\s*\\.\\.\\s*(\\d{4}-\\d{2}-\\d{2}))?");

    private static final Map<String, Metric> METRICS = ConfigLoader.names(Metric.values(), Metric::yamlName);
    private static final Map<String, PeriodUnit> PERIODS = ConfigLoader.names(PeriodUnit.values(), PeriodUnit::yamlName);
    private static final Map<String, PeriodUnit> DIGEST_PERIODS = ConfigLoader.names(
            new PeriodUnit[]{PeriodUnit.DAY, PeriodUnit.WEEK, PeriodUnit.MONTH}, PeriodUnit::yamlName);
    private static final Map<String, GroupBy> GROUPS = ConfigLoader.names(GroupBy.values(), GroupBy::yamlName);
    private static final Map<String, BudgetAction.Do> ACTIONS = ConfigLoader.names(BudgetAction.Do.values(),
            BudgetAction.Do::yamlName);
    private static final Map<String, BudgetAction.Approval> APPROVALS = ConfigLoader.names(
            BudgetAction.Approval.values(), BudgetAction.Approval::yamlName);
    static final List<BigDecimal> DEFAULT_QUOTA_THRESHOLDS = List.of(new BigDecimal("0.8"), new BigDecimal("0.95"));

    private Rules() {
    }

    static List<RuleConfig> rules(Section top, Values values, Set<String> channels, Prices prices,
                                  String billingCurrency) {
        List<RuleConfig> rules = new ArrayList<>();
        Map<String, Integer> names = new HashMap<>();
        Set<LocalDate> quietEverywhere = top.optional("quietDates", Set.of(), quietDates(values));
        List<Node> items = top.items("rules", "a list of rules");
        for (int i = 0; i < items.size(); i++) {
            Section s = Section.of(items.get(i), FieldPath.item(top.path("rules"), i), values)
                    .only("name", "schedule", "keys", "models", "groupBy", "budgets", "growth", "anomaly", "quietDates",
                            "notify", "repeat", "staleAfter", "summarizeAbove", "quota");
            String name = uniqueName(s, values, "rule", names);
            String schedule = s.optional("schedule", DEFAULT_SCHEDULE, values.cron());
            Selection keys = s.required("keys", Selection.of(List.of()), values.selection(MAX_KEY));
            // limits are per key: a rule of quota alerts alone watches no models
            boolean quotaOnly = s.has("quota") && s.emptyList("budgets") && s.emptyList("growth")
                    && s.emptyList("anomaly");
            Selection models = quotaOnly ? s.optional("models", Selection.of(List.of()), values.selection(MAX_MODEL))
                    : s.required("models", Selection.of(List.of()), values.selection(MAX_MODEL));
            // the models of "*" are known only once UCloud lists them; rules.Coverage reports those without a price
            List<String> priced = models.every() ? List.of() : models.values();
            GroupBy groupBy = s.optional("groupBy", GroupBy.ALL, values.oneOf(GROUPS));
            List<Budget> budgets = new ArrayList<>();
            List<Node> budgetItems = s.items("budgets", "a list of budgets");
            for (int b = 0; b < budgetItems.size(); b++) {
                budgets.add(budget(Section.of(budgetItems.get(b), FieldPath.item(s.path("budgets"), b), values),
                        values, priced, prices, keys, groupBy, billingCurrency));
            }
            List<Growth> growth = new ArrayList<>();
            List<Node> growthItems = s.items("growth", "a list of growth checks");
            for (int g = 0; g < growthItems.size(); g++) {
                growth.add(growth(Section.of(growthItems.get(g), FieldPath.item(s.path("growth"), g), values),
                        values, priced, prices));
            }
            List<Anomaly> anomaly = new ArrayList<>();
            List<Node> anomalyItems = s.items("anomaly", "a list of anomaly checks");
            for (int a = 0; a < anomalyItems.size(); a++) {
                anomaly.add(anomaly(Section.of(anomalyItems.get(a), FieldPath.item(s.path("anomaly"), a), values),
                        values, priced, prices));
            }
            if (s.emptyList("budgets") && s.emptyList("growth") && s.emptyList("anomaly") && !s.has("quota")) {
                s.report("a rule needs at least one check: add budgets:, growth:, anomaly: or quota:");
            }
            Optional<Quota> quota = s.has("quota") ? Optional.of(quota(s.section("quota", false, "thresholds"),
                    values)) : Optional.empty();
            Set<LocalDate> quiet = new HashSet<>(quietEverywhere);
            quiet.addAll(s.optional("quietDates", Set.of(), quietDates(values)));
            List<String> notify = s.required("notify", List.of(), references(values, "channel", channels));
            rules.add(new RuleConfig(name, schedule, keys, models, groupBy, budgets, growth, notify,
                    s.maybe("repeat", values.duration()), s.optional("staleAfter", DEFAULT_STALE_AFTER,
                    values.duration()), anomaly, quiet, s.optional("summarizeAbove",
                    RuleConfig.DEFAULT_SUMMARIZE_ABOVE, values.integer(1, 1000)), quota));
        }
        return rules;
    }

    static List<DigestConfig> digests(Section top, Values values, Set<String> channels, Set<String> noDigests,
                                      List<RuleConfig> rules) {
        Set<String> ruleNames = new LinkedHashSet<>();
        rules.stream().map(RuleConfig::name).filter(n -> !n.isEmpty()).forEach(ruleNames::add);
        List<DigestConfig> digests = new ArrayList<>();
        Map<String, Integer> names = new HashMap<>();
        List<Node> items = top.items("digests", "a list of digests");
        for (int i = 0; i < items.size(); i++) {
            Section s = Section.of(items.get(i), FieldPath.item(top.path("digests"), i), values)
                    .only("name", "schedule", "period", "rules", "keys", "models", "notify", "top");
            String name = uniqueName(s, values, "digest", names);
            String schedule = s.optional("schedule", DEFAULT_DIGEST_SCHEDULE, values.cron());
            PeriodUnit period = s.optional("period", PeriodUnit.DAY, values.oneOf(DIGEST_PERIODS));
            List<String> covered = s.optional("rules", List.of(), values.list(reference(values, "rule", ruleNames),
                    "a list of rule names"));
            List<String> keys = s.optional("keys", List.of(), values.names(MAX_KEY));
            List<String> models = s.optional("models", List.of(), values.names(MAX_MODEL));
            if (!keys.isEmpty() && models.isEmpty()) {
                s.problem("keys", "keys need models: the digest covers every key x model; add models:");
            } else if (keys.isEmpty() && !models.isEmpty()) {
                s.problem("models", "models need keys: the digest covers every key x model; add keys:");
            } else if (keys.isEmpty() && s.emptyList("rules")) {
                s.report("a digest needs something to cover: add rules:, or keys: and models:");
            }
            List<String> notify = s.required("notify", List.of(), values.nonEmpty(values.list(values.check(
                    reference(values, "channel", channels), n -> !noDigests.contains(n), n -> "channel \"" + n
                            + "\" is PagerDuty, which opens incidents for alerts and receives no digests; remove it"
                            + " from this digest's notify"), "a list of channel names")));
            digests.add(new DigestConfig(name, schedule, period, covered, keys, models, notify,
                    s.optional("top", DEFAULT_TOP, values.integer(1, 50))));
        }
        return digests;
    }

    private static Budget budget(Section s, Values values, List<String> models, Prices prices, Selection keys,
                                 GroupBy groupBy, String billingCurrency) {
        s.only("metric", "period", "limit", "thresholds", "forecast", "forecastAfter", "action");
        Metric metric = metric(s, values, models, prices);
        PeriodUnit period = s.optional("period", PeriodUnit.DAY, values.oneOf(PERIODS));
        Map<String, BigDecimal> limits = new LinkedHashMap<>();
        BigDecimal limit = s.node("limit").filter(Node.Mapping.class::isInstance).isPresent()
                ? limitsByKey(s, values, keys, groupBy, limits)
                : s.required("limit", BigDecimal.ZERO, values.quantity());
        Values.Reader<List<BigDecimal>> percentages = values.list(values.percent(p -> p.signum() > 0,
                "must be greater than 0%"), "a list of percentages such as [80%, 100%]");
        List<BigDecimal> thresholds = s.optional("thresholds", DEFAULT_THRESHOLDS, values.nonEmpty(values.check(
                percentages, t -> t.stream().distinct().count() == t.size(), t -> "thresholds must all differ")));
        boolean forecast = s.optional("forecast", false, values.bool());
        BigDecimal forecastAfter = s.optional("forecastAfter", DEFAULT_FORECAST_AFTER, values.percent(
                p -> p.signum() >= 0 && p.compareTo(BigDecimal.ONE) < 0, "must be at least 0% and below 100%"));
        Optional<BudgetAction> action = s.has("action") ? Optional.of(action(s.section("action", false, "at", "do",
                "approval", "until"), values, metric, period, groupBy, prices, billingCurrency))
                : Optional.empty();
        return new Budget(metric, period, limit, limits, thresholds, forecast, forecastAfter, action);
    }

    /** {@code quota: { thresholds: [80%, 95%] }}: shares of each key's own UCloud limits. */
    private static Quota quota(Section s, Values values) {
        return new Quota(s.optional("thresholds", DEFAULT_QUOTA_THRESHOLDS, values.nonEmpty(values.check(
                values.list(values.percent(p -> p.signum() > 0 && p.compareTo(BigDecimal.ONE) <= 0,
                        "must be above 0% and at most 100%: UCloud refuses the key's requests at its limit"),
                        "a list of percentages such as [80%, 95%]"),
                t -> t.stream().distinct().count() == t.size(), t -> "thresholds must all differ"))), s.where());
    }

    /**
     * {@code action: { at: 100%, do: disable | cap, approval: manual | auto, until: periodEnd }}; an action changes
     * one key, so each group must be one key, and a cap writes the budget's limit into UCloud, so it must be money
     * in UCloud's currency, per day or month.
     */
    private static BudgetAction action(Section s, Values values, Metric metric, PeriodUnit period, GroupBy groupBy,
                                       Prices prices, String billingCurrency) {
        BigDecimal at = s.optional("at", BigDecimal.ONE, values.percent(p -> p.signum() > 0,
                "must be greater than 0%"));
        BudgetAction.Do what = s.required("do", BudgetAction.Do.DISABLE, values.oneOf(ACTIONS));
        BudgetAction.Approval approval = s.optional("approval", BudgetAction.Approval.MANUAL,
                values.oneOf(APPROVALS));
        boolean untilPeriodEnd = s.maybe("until", values.oneOf(Map.of("periodEnd", true))).orElse(false);
        if (groupBy != GroupBy.KEY && groupBy != GroupBy.SERIES) {
            s.report("an action changes one key, so each group must be one key: add groupBy: key (or series) to"
                    + " the rule");
        }
        if (what == BudgetAction.Do.CAP) {
            if (metric != Metric.COST) {
                s.problem("do", "cap sets the key's UCloud spending limit to the budget's limit, so it needs"
                        + " metric: cost; use do: disable for a " + metric.yamlName() + " budget");
            } else if (!prices.currency().equals(billingCurrency)) {
                s.problem("do", "cap writes the limit in prices.currency (" + prices.currency() + ") into UCloud,"
                        + " which counts in ucloud.billingCurrency (" + billingCurrency + "); make them the same"
                        + " or use do: disable");
            }
            if (period != PeriodUnit.DAY && period != PeriodUnit.MONTH) {
                s.problem("do", "UCloud has daily and monthly limits only: cap needs period: day or month, not "
                        + period.yamlName());
            }
        }
        return new BudgetAction(at, what, approval, untilPeriodEnd, s.where());
    }

    /**
     * Reads {@code limit: {uminferapikey-a: 3M, "*": 1M}} into {@code limits} (the named keys) and returns the
     * limit of the rest ({@code "*"}).
     */
    private static BigDecimal limitsByKey(Section s, Values values, Selection keys, GroupBy groupBy,
                                          Map<String, BigDecimal> limits) {
        if (groupBy != GroupBy.KEY) {
            s.problem("limit", "a limit per key needs groupBy: key (each group is then one key); add groupBy: key,"
                    + " or give one limit such as limit: 5M");
        }
        BigDecimal rest = null;
        boolean restSaid = false;
        Set<String> named = new HashSet<>();
        for (Node.Entry e : s.entries("limit", "a limit, or a mapping of key to limit")) {
            String path = FieldPath.field(s.path("limit"), e.key());
            BigDecimal value = values.quantity().read(e.value(), path);
            if (e.key().equals(Selection.EVERY)) {
                restSaid = true;
                rest = value;
            } else if (!keys.every() && !keys.values().contains(e.key())) {
                values.problems().at(e.line(), e.column(), path, "not one of the rule's keys"
                        + Suggest.closest(e.key(), keys.values()).map(c -> "; did you mean `" + c + "`?")
                        .orElse("; the rule watches " + String.join(", ", keys.values())));
            } else {
                named.add(e.key());
                if (value != null) {
                    limits.put(e.key(), value);
                }
            }
        }
        List<String> unnamed = keys.every() ? List.of() : keys.values().stream().filter(k -> !named.contains(k)).toList();
        if (!restSaid && (keys.every() || !unnamed.isEmpty())) {
            s.problem("limit", (keys.every() ? "the keys not listed have" : String.join(", ", unnamed)
                    + (unnamed.size() == 1 ? " has" : " have")) + " no limit: add \"*\": 1M (quoted) for every key"
                    + " not listed" + (keys.every() ? "" : ", or list " + (unnamed.size() == 1 ? "it" : "them")));
        }
        return rest == null ? BigDecimal.ZERO : rest;
    }

    private static Growth growth(Section s, Values values, List<String> models, Prices prices) {
        s.only("metric", "period", "increase", "minBaseline");
        return new Growth(metric(s, values, models, prices),
                s.optional("period", PeriodUnit.DAY, values.oneOf(PERIODS)),
                s.required("increase", BigDecimal.ONE, values.percent(p -> p.signum() > 0,
                        "must be greater than 0%")),
                s.optional("minBaseline", BigDecimal.ZERO, values.quantity()));
    }

    private static Anomaly anomaly(Section s, Values values, List<String> models, Prices prices) {
        s.only("metric", "minExcess", "sensitivity", "minRatio", "baseline");
        Metric metric = metric(s, values, models, prices);
        BigDecimal minExcess = s.required("minExcess", BigDecimal.ZERO, values.check(values.quantity(),
                q -> q.signum() > 0, q -> "must be greater than 0: an excess of a few tokens is noise, not news"));
        BigDecimal sensitivity = s.optional("sensitivity", Anomaly.DEFAULT_SENSITIVITY, values.check(values.price(),
                z -> z.signum() > 0, z -> "must be greater than 0 (a modified z-score; 3.5 is usual)"));
        BigDecimal minRatio = s.optional("minRatio", Anomaly.DEFAULT_MIN_RATIO, values.check(values.price(),
                r -> r.compareTo(BigDecimal.ONE) >= 0, r -> "must be at least 1 (a multiple of the expected value,"
                        + " such as 1.5)"));
        Duration baseline = s.optional("baseline", Duration.ofDays(7L * Anomaly.DEFAULT_BASELINE_WEEKS),
                values.check(values.duration(), d -> d.toSeconds() % Duration.ofDays(7).toSeconds() == 0
                                && d.toDays() / 7 >= Anomaly.MIN_BASELINE_WEEKS && d.toDays() / 7 <= Anomaly.MAX_BASELINE_WEEKS,
                        d -> "must be whole weeks from " + Anomaly.MIN_BASELINE_WEEKS + "w to "
                                + Anomaly.MAX_BASELINE_WEEKS + "w: a median over fewer weeks is one odd week away"
                                + " from a false alarm"));
        return new Anomaly(metric, minExcess, sensitivity, minRatio, (int) (baseline.toDays() / 7));
    }

    /** {@code [2027-02-10, 2027-02-15..2027-02-17]}: days, or ranges of days with both ends included. */
    private static Values.Reader<Set<LocalDate>> quietDates(Values values) {
        Values.Reader<List<LocalDate>> range = (node, path) -> {
            String text = values.nonEmptyString().read(node, path);
            if (text == null) {
                return null;
            }
            Matcher m = QUIET.matcher(text.strip());
            try {
                if (m.matches()) {
                    LocalDate from = LocalDate.parse(m.group(1));
                    LocalDate to = m.group(2) == null ? from : LocalDate.parse(m.group(2));
                    long days = ChronoUnit.DAYS.between(from, to) + 1;
                    if (days < 1 || days > MAX_QUIET_DAYS) {
                        values.problems().at(node, path, "\"" + text + "\" must run forwards over at most "
                                + MAX_QUIET_DAYS + " days, e.g. 2027-02-10..2027-02-17");
                        return null;
                    }
                    return from.datesUntil(to.plusDays(1)).toList();
                }
            } catch (DateTimeParseException e) {
                values.problems().at(node, path, "\"" + text + "\" is not a date: " + e.getMessage());
                return null;
            }
            values.problems().at(node, path, "expected a date such as 2027-02-10 or a range such as"
                    + " 2027-02-10..2027-02-17, got \"" + text + "\"");
            return null;
        };
        return (node, path) -> {
            List<List<LocalDate>> ranges = values.list(range, "a list of dates and date ranges such as"
                    + " [2027-02-10..2027-02-17]").read(node, path);
            return ranges == null ? null : Set.copyOf(ranges.stream().flatMap(List::stream).toList());
        };
    }

    /** The metric; cost is only measurable when every model of the rule has a price. */
    private static Metric metric(Section s, Values values, List<String> models, Prices prices) {
        Metric metric = s.required("metric", Metric.TOKENS, values.oneOf(METRICS));
        if (metric == Metric.COST) {
            models.stream().filter(m -> prices.of(m).isEmpty()).forEach(m -> s.problem("metric",
                    "metric cost needs a price for every model of the rule; add a price for model " + m
                            + " under prices.models"));
        }
        return metric;
    }

    private static String uniqueName(Section s, Values values, String kind, Map<String, Integer> seen) {
        String name = s.required("name", "", values.name(MAX_NAME));
        Integer first = name.isEmpty() ? null : seen.putIfAbsent(name, s.node("name").map(Node::line).orElse(0));
        if (first != null) {
            s.problem("name", "duplicate " + kind + " name \"" + name + "\" (first at line " + first
                    + "); names must be unique");
        }
        return name;
    }

    /** A non-empty list of names that must each be defined elsewhere in the file. */
    private static Values.Reader<List<String>> references(Values values, String kind, Collection<String> defined) {
        return values.nonEmpty(values.list(reference(values, kind, defined), "a list of " + kind + " names"));
    }

    private static Values.Reader<String> reference(Values values, String kind, Collection<String> defined) {
        return values.check(values.nonEmptyString(), defined::contains, n -> "undefined " + kind + " \"" + n + "\""
                + Suggest.didYouMean(n, defined) + "; defined: "
                + (defined.isEmpty() ? "none" : String.join(", ", defined)));
    }
}

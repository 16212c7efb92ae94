package budgetbot.render;

import budgetbot.config.Metric;
import budgetbot.digest.BudgetStanding;
import budgetbot.digest.Change;
import budgetbot.digest.DigestReport;
import budgetbot.digest.GroupReport;
import budgetbot.render.Section.Cell;
import budgetbot.render.Section.Table;
import budgetbot.render.Section.Tone;
import budgetbot.rules.Projection;
import budgetbot.time.Durations;
import budgetbot.usage.KeyLimits;
import budgetbot.usage.Series;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Lays a report out as sections of notes and tables, the content shared by the HTML and the text, in the
 * config's words and with keys by their names.
 */
final class DigestContent {
    private static final List<Metric> COUNTS = List.of(Metric.TOKENS, Metric.INPUT_TOKENS, Metric.OUTPUT_TOKENS,
            Metric.REQUESTS, Metric.IMAGES);


    /** Later than this is late: a catch-up a second after the digest's time is not worth a word. */
    private static final Duration ON_TIME = Duration.ofMinutes(1);
    /** The reasons {@link DigestRenderer#lateReason} and the scheduler record, by their key. */
    static final List<String> LATE_REASONS = List.of("late.ucloud", "late.database", "late.build", "late.notRunning");

    final DigestReport r;
    final Words w;
    final KeyLabels labels;

    DigestContent(DigestReport r, Words w, KeyLabels labels) {
        this.r = r;
        this.w = w;
        this.labels = labels;
    }

    /**
     * One section of the digest, and the earlier section covering exactly the same keys x models, if any: its
     * usage, top consumers and movers would be the same tables word for word, so they are shown once.
     */
    record Scoped(GroupReport group, Optional<String> sameScopeAs) {
    }

    /** The overall total first, then every group, each with the earlier section of the same scope. */
    List<Scoped> scoped() {
        List<GroupReport> all = new ArrayList<>();
        r.overall().ifPresent(all::add);
        all.addAll(r.groups());
        Map<Set<Series>, String> first = new HashMap<>();
        return all.stream().map(g -> new Scoped(g, Optional.ofNullable(first.putIfAbsent(Set.copyOf(g.series()),
                g.name())))).toList();
    }

    List<Section> sections() {
        List<Section> out = new ArrayList<>(scoped().stream().map(s -> section(s.group(), s.sameScopeAs())).toList());
        if (!r.silences().isEmpty()) {
            out.add(new Section(w.get("digest.silences"), List.of(w.get("digest.silencesNote")), List.of(silences())));
        }
        if (!r.keyLimits().isEmpty()) {
            out.add(new Section(w.get("digest.keyLimits"), List.of(w.get("digest.keyLimitsNote")),
                    List.of(keyLimits())));
        }
        return out;
    }

    /** A section's title: a group of keys by their names. */
    String name(GroupReport g) {
        return labels.group(g.name());
    }

    /** The note that stands in for the tables of a scope shown already. */
    String sameScope(String earlier) {
        return w.get("digest.sameScope", labels.group(earlier));
    }

    /** The one line that sums the digest up: {@code 12,345,678 tokens, CNY 84.20 (▲ +12%)}. */
    String headline() {
        GroupReport h = r.headline();
        if (h.noUsage()) {
            return w.get("digest.noUsage");
        }
        String cost = h.report().cost().map(c -> w.get("list.comma") + money(c)).orElse("");
        Change c = h.headline();
        return w.get("digest.headline", w.amount(Metric.TOKENS, BigDecimal.valueOf(h.report().totals().totalTokens()),
                ""), cost, (Format.arrow(c) + " " + percent(c)).strip(), comparisonLabel());
    }

    String periodLine() {
        return w.get("digest.periodLine", comparisonLabel(), r.zone().getId());
    }

    /** The chart's title and the subject's: "weekly-spend for week of Mon 23 Nov 2026". */
    String title() {
        return w.get("digest.title", r.name(), Format.period(r.period(), r.report(), r.zone(), w));
    }

    /** {@code +12%}, or {@code new} when there was nothing before. */
    String percent(Change c) {
        return c.isNew() ? w.get("digest.new") : Format.percent(c);
    }

    String money(BigDecimal v) {
        return r.currency().map(c -> w.money(c, v)).orElseGet(() -> Amounts.number(Metric.COST, v));
    }

    /** A metric's value as a table shows it: money for cost, a whole count otherwise. */
    String value(Metric metric, BigDecimal v) {
        return metric == Metric.COST ? money(v) : Format.count(v);
    }

    /** {@code ▲ +1,234 (+12%)}: the change of a metric as tables show it. */
    String change(Metric metric, Change c) {
        int s = c.delta().signum();
        String sign = s > 0 ? "+" : s < 0 ? "-" : "";
        return (Format.arrow(c) + " " + sign + value(metric, c.delta().abs()) + " (" + percent(c) + ")").strip();
    }

    String moment(java.time.Instant t) {
        return Format.moment(t, r.zone(), w);
    }

    /**
     * Why the digest comes late, when it comes a minute or more after its time:
     * {@code Sent 2h 10m late: usage could not be fetched from UCloud at 09:00.}
     */
    Optional<String> lateLine() {
        return r.late().filter(l -> !Duration.between(l.due(), r.at()).minus(ON_TIME).isNegative()).map(l -> {
            boolean sameDay = l.due().atZone(r.zone()).toLocalDate().equals(r.at().atZone(r.zone()).toLocalDate());
            return w.get("digest.late", Durations.human(Duration.between(l.due(), r.at())),
                    reason(l.reason()), sameDay ? Format.time(l.due(), r.zone()) : moment(l.due()));
        });
    }

    /** A late digest's reason, recorded in English (it outlives a restart), in the digest's words. */
    private String reason(String recorded) {
        return LATE_REASONS.stream().filter(k -> Words.EN.get(k).equals(recorded)).findFirst().map(w::get)
                .orElse(recorded);
    }

    private String comparisonLabel() {
        return Format.period(r.period(), r.comparison(), r.zone(), w);
    }

    private Section section(GroupReport g, Optional<String> sameScopeAs) {
        List<String> notes = new ArrayList<>();
        List<Table> tables = new ArrayList<>();
        boolean usageTables = sameScopeAs.isEmpty() && !g.noUsage();
        if (sameScopeAs.isPresent()) {
            notes.add(sameScope(sameScopeAs.get()));
        } else if (g.noUsage()) {
            notes.add(noUsage(g));
        } else {
            tables.add(totals(g));
            if (g.priced() && !g.unpricedModels().isEmpty()) {
                notes.add(w.get("digest.unpriced", String.join(w.get("list.comma"), g.unpricedModels())));
            }
            long chartTokens = g.chartTotal().totals().totalTokens();
            if (chartTokens != g.report().totals().totalTokens()) {
                notes.add(w.get("digest.chartTotal", Format.barUnit(r.period(), w), Format.count(chartTokens)));
            }
        }
        g.lastHours().forEach(f -> notes.add(w.get("digest.lastHour", lastHour(f))));
        if (!g.budgets().isEmpty()) {
            tables.add(budgets(g));
        }
        if (!g.alerts().isEmpty()) {
            tables.add(alerts(g));
        }
        if (usageTables) {
            tables.add(consumers(g));
            if (!g.movers().isEmpty()) {
                tables.add(movers(g));
            }
        }
        return new Section(name(g), notes, tables);
    }

    /** Where a group's last complete hour stands against its usual. */
    String lastHour(budgetbot.rules.Finding f) {
        return new AnomalyWords(w).standing(f, r.currency().orElse(""), r.zone(), labels);
    }

    /** Each key's own UCloud limits and what it used of them, as last listed. */
    private Table keyLimits() {
        return new Table(w.get("digest.keyLimits"), List.of(w.get("column.key"), w.get("column.dailyLimit"),
                w.get("column.monthlyLimit")), r.keyLimits().stream().map(k -> List.of(Cell.of(labels.key(k.id())),
                Cell.of(limit(k.limits().daily())), Cell.of(limit(k.limits().monthly())))).toList());
    }

    private String limit(KeyLimits.Limit l) {
        return l.limited() ? w.get("used.ofLimit", w.money(r.billingCurrency(), l.used()),
                w.money(r.billingCurrency(), l.amount()), Amounts.percent(l.used().divide(l.amount(),
                        MathContext.DECIMAL64), 0, RoundingMode.DOWN)) : w.get("digest.noLimit");
    }

    private Table silences() {
        return new Table(w.get("digest.activeSilences"), List.of(w.get("column.rule"), w.get("column.group"),
                w.get("column.until"), w.get("column.reason")), r.silences().stream()
                .map(s -> List.of(Cell.of(s.rule()), Cell.of(s.group().map(labels::group)
                                .orElse(w.get("digest.everyGroup"))), Cell.of(moment(s.until())), Cell.of(s.reason())))
                .toList());
    }

    private String noUsage(GroupReport g) {
        if (g.previous().totals().isZero()) {
            return w.get("digest.noUsage");
        }
        String cost = g.previous().cost().map(c -> w.get("list.comma") + money(c)).orElse("");
        return w.get("digest.noUsageBefore", w.amount(Metric.TOKENS,
                BigDecimal.valueOf(g.previous().totals().totalTokens()), ""), cost);
    }

    private Table totals(GroupReport g) {
        List<List<Cell>> rows = new ArrayList<>();
        for (Metric m : COUNTS) {
            Change c = g.change(m);
            if (m != Metric.IMAGES || c.previous().signum() != 0 || c.current().signum() != 0) {
                rows.add(row(m, c));
            }
        }
        if (g.priced()) {
            rows.add(row(Metric.COST, g.change(Metric.COST)));
        }
        return new Table(w.get("digest.usage"), List.of("", w.get("column.thisPeriod"), w.get("column.previous"),
                w.get("column.change")), rows, true);
    }

    private List<Cell> row(Metric m, Change c) {
        return List.of(Cell.of(w.unit(m)), Cell.of(value(m, c.current())), Cell.of(value(m, c.previous())),
                Cell.change(c, change(m, c)));
    }

    private Table budgets(GroupReport g) {
        List<List<Cell>> rows = new ArrayList<>();
        for (BudgetStanding b : g.budgets()) {
            rows.add(List.of(Cell.name(budget(b)), Cell.of(value(b.metric(), b.limit())),
                    standing(b, b.reportUsed()), standing(b, b.currentUsed()),
                    Cell.of(b.forecast().map(p -> forecast(b, p)).orElse("–"))));
        }
        return new Table(w.get("digest.budgets"), List.of(w.get("column.budget"), w.get("column.limit"),
                w.get("column.thisPeriod"), w.get("column.currentSoFar"), w.get("column.forecast")), rows, true);
    }

    /** "tokens per day, 客服组 (uminferapikey-…)": a budget as a row names it. */
    String budget(BudgetStanding b) {
        String what = w.get("digest.per", w.unit(b.metric()), w.get("period." + b.period().name()));
        return "all".equals(b.group()) ? what : what + w.get("list.comma") + labels.group(b.group());
    }

    private Cell standing(BudgetStanding b, Optional<BigDecimal> used) {
        if (used.isEmpty()) {
            return Cell.of("–");
        }
        Optional<BigDecimal> fraction = b.fraction(used.get());
        String text = value(b.metric(), used.get()) + fraction.map(f -> " (" + Format.share(f) + ")").orElse("");
        boolean over = fraction.map(f -> f.compareTo(BigDecimal.ONE) >= 0).orElse(false);
        return new Cell(text, over ? Tone.UP : Tone.PLAIN, false);
    }

    private String forecast(BudgetStanding b, Projection p) {
        return value(b.metric(), p.total())
                + p.limitReachedAt().map(t -> w.get("digest.limitReached", moment(t))).orElse("");
    }

    private Table alerts(GroupReport g) {
        List<List<Cell>> rows = g.alerts().stream().map(a -> List.of(Cell.of(moment(a.at())),
                Cell.of(alert(a)), Cell.name(labels.group(a.group())))).toList();
        return new Table(w.get("digest.alerts"), List.of(w.get("column.when"), w.get("column.alert"),
                w.get("column.group")), rows);
    }

    /** An announcement as the digest lists it: "budget 80%, firing (silenced)". */
    String alert(budgetbot.digest.FiredAlert a) {
        return w.get("digest.alert", w.get("kind." + a.kind()), "–".equals(a.level()) ? "" : " " + a.level(),
                w.get("status." + a.status().toUpperCase(Locale.ROOT)), a.silenced() ? w.get("digest.silenced") : "");
    }

    private Table consumers(GroupReport g) {
        Metric m = g.rankedBy();
        BigDecimal total = g.report().value(m);
        List<List<Cell>> rows = g.consumers().stream().map(l -> List.of(Cell.name(series(l.series())),
                Cell.of(value(m, l.change().current())),
                Cell.of(total.signum() == 0 ? "–" : Format.share(l.change().current().divide(total,
                        MathContext.DECIMAL64))),
                Cell.change(l.change(), change(m, l.change())))).toList();
        return new Table(w.get("digest.consumers", w.unit(m)),
                List.of(w.get("column.series"), w.unit(m), w.get("column.share"), w.get("column.change")), rows);
    }

    /** "客服组 (uminferapikey-…) x deepseek-v3". */
    String series(Series s) {
        return labels.group(s.toString());
    }

    private Table movers(GroupReport g) {
        Metric m = g.rankedBy();
        List<List<Cell>> rows = g.movers().stream().map(l -> List.of(Cell.name(series(l.series())),
                Cell.of(value(m, l.change().previous())), Cell.of(value(m, l.change().current())),
                Cell.change(l.change(), change(m, l.change())))).toList();
        return new Table(w.get("digest.movers", w.unit(m)), List.of(w.get("column.series"),
                w.get("column.previous"), w.get("column.thisPeriod"), w.get("column.change")), rows);
    }
}

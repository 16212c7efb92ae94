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
import budgetbot.usage.Series;

import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Lays a report out as sections of notes and tables, the content shared by the HTML and the text. */
final class DigestContent {
    private static final List<Metric> COUNTS = List.of(Metric.TOKENS, Metric.INPUT_TOKENS, Metric.OUTPUT_TOKENS,
            Metric.REQUESTS, Metric.IMAGES);

    static final String USAGE = "Usage";
    static final String BUDGETS = "Budgets";

    /** Later than this is late: a catch-up a second after the digest's time is not worth a word. */
    private static final Duration ON_TIME = Duration.ofMinutes(1);

    private final DigestReport r;

    private DigestContent(DigestReport r) {
        this.r = r;
    }

    /**
     * One section of the digest, and the earlier section covering exactly the same keys x models, if any: its
     * usage, top consumers and movers would be the same tables word for word, so they are shown once.
     */
    record Scoped(GroupReport group, Optional<String> sameScopeAs) {
    }

    /** The overall total first, then every group, each with the earlier section of the same scope. */
    static List<Scoped> scoped(DigestReport r) {
        List<GroupReport> all = new ArrayList<>();
        r.overall().ifPresent(all::add);
        all.addAll(r.groups());
        Map<Set<Series>, String> first = new HashMap<>();
        return all.stream().map(g -> new Scoped(g, Optional.ofNullable(first.putIfAbsent(Set.copyOf(g.series()),
                g.name())))).toList();
    }

    static List<Section> sections(DigestReport r) {
        DigestContent c = new DigestContent(r);
        List<Section> out = new ArrayList<>(scoped(r).stream().map(s -> c.section(s.group(), s.sameScopeAs())).toList());
        if (!r.silences().isEmpty()) {
            out.add(new Section("Silences", List.of("Alerts of these are recorded but not sent until the silence "
                    + "ends."), List.of(silences(r))));
        }
        return out;
    }

    /** The note that stands in for the tables of a scope shown already. */
    static String sameScope(String earlier) {
        return "Usage, top consumers and movers: the same keys and models as " + earlier + " above.";
    }

    /** The one line that sums the digest up: {@code 12,345,678 tokens, CNY 84.20 (▲ +12%)}. */
    static String headline(DigestReport r) {
        GroupReport h = r.headline();
        if (h.noUsage()) {
            return "No usage in this period.";
        }
        String cost = h.report().cost().map(c -> ", " + Format.money(r.currency(), c)).orElse("");
        Change c = h.headline();
        return Format.count(h.report().totals().totalTokens()) + " tokens" + cost
                + " (" + (Format.arrow(c) + " " + Format.percent(c)).strip() + " vs " + comparisonLabel(r) + ")";
    }

    static String periodLine(DigestReport r) {
        return "Compared with " + comparisonLabel(r) + ". Times in " + r.zone().getId() + ".";
    }

    /**
     * Why the digest comes late, when it comes a minute or more after its time:
     * {@code Sent 2h 10m late: usage could not be fetched from UCloud at 09:00.}
     */
    static Optional<String> lateLine(DigestReport r) {
        return r.late().filter(l -> !Duration.between(l.due(), r.at()).minus(ON_TIME).isNegative()).map(l -> {
            boolean sameDay = l.due().atZone(r.zone()).toLocalDate().equals(r.at().atZone(r.zone()).toLocalDate());
            return "Sent " + Durations.human(Duration.between(l.due(), r.at())) + " late: " + l.reason() + " at "
                    + (sameDay ? Format.time(l.due(), r.zone()) : Format.moment(l.due(), r.zone())) + ".";
        });
    }

    private static String comparisonLabel(DigestReport r) {
        return Format.period(r.period(), r.comparison(), r.zone());
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
                notes.add("Cost leaves out models without a price: " + String.join(", ", g.unpricedModels()) + ".");
            }
            long chartTokens = g.chartTotal().totals().totalTokens();
            if (chartTokens != g.report().totals().totalTokens()) {
                notes.add("The source's per-" + Format.barUnit(r.period()) + " figures add up to "
                        + Format.count(chartTokens) + " tokens; the totals are the source's own.");
            }
        }
        g.lastHours().forEach(f -> notes.add("Last complete hour: " + AnomalyWords.standing(f, r.currency().orElse(""), r.zone())
                + "."));
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
        return new Section(g.name(), notes, tables);
    }

    private static Table silences(DigestReport r) {
        return new Table("Active silences", List.of("Rule", "Group", "Until", "Reason"), r.silences().stream()
                .map(s -> List.of(Cell.of(s.rule()), Cell.of(s.group().orElse("every group")),
                        Cell.of(Format.moment(s.until(), r.zone())), Cell.of(s.reason()))).toList());
    }

    private String noUsage(GroupReport g) {
        if (g.previous().totals().isZero()) {
            return "No usage in this period.";
        }
        String cost = g.previous().cost().map(c -> ", " + Format.money(r.currency(), c)).orElse("");
        return "No usage in this period (" + Format.count(g.previous().totals().totalTokens()) + " tokens" + cost
                + " in the previous one).";
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
        return new Table(USAGE, List.of("", "This period", "Previous", "Change"), rows);
    }

    private List<Cell> row(Metric m, Change c) {
        return List.of(Cell.of(Amounts.unit(m)), Cell.of(Format.value(m, c.current(), r.currency())),
                Cell.of(Format.value(m, c.previous(), r.currency())),
                Cell.change(c, Format.change(m, c, r.currency())));
    }

    private Table budgets(GroupReport g) {
        List<List<Cell>> rows = new ArrayList<>();
        for (BudgetStanding b : g.budgets()) {
            rows.add(List.of(Cell.name(Amounts.unit(b.metric()) + " per " + b.period().yamlName()
                            + ("all".equals(b.group()) ? "" : ", " + b.group())),
                    Cell.of(Format.value(b.metric(), b.limit(), r.currency())),
                    standing(b, b.reportUsed()), standing(b, b.currentUsed()),
                    Cell.of(b.forecast().map(p -> forecast(b, p)).orElse("–"))));
        }
        return new Table(BUDGETS, List.of("Budget", "Limit", "This period", "Current so far", "Forecast"), rows);
    }

    private Cell standing(BudgetStanding b, Optional<BigDecimal> used) {
        if (used.isEmpty()) {
            return Cell.of("–");
        }
        Optional<BigDecimal> fraction = b.fraction(used.get());
        String text = Format.value(b.metric(), used.get(), r.currency())
                + fraction.map(f -> " (" + Format.share(f) + ")").orElse("");
        boolean over = fraction.map(f -> f.compareTo(BigDecimal.ONE) >= 0).orElse(false);
        return new Cell(text, over ? Tone.UP : Tone.PLAIN, false);
    }

    private String forecast(BudgetStanding b, Projection p) {
        return Format.value(b.metric(), p.total(), r.currency())
                + p.limitReachedAt().map(t -> " (limit reached " + Format.moment(t, r.zone()) + ")").orElse("");
    }

    private Table alerts(GroupReport g) {
        List<List<Cell>> rows = g.alerts().stream().map(a -> List.of(Cell.of(Format.moment(a.at(), r.zone())),
                Cell.of(a.kind().toLowerCase(Locale.ROOT) + ("–".equals(a.level()) ? "" : " " + a.level()) + ", "
                        + a.status()), Cell.name(a.group()))).toList();
        return new Table("Alerts", List.of("When", "Alert", "Group"), rows);
    }

    private Table consumers(GroupReport g) {
        Metric m = g.rankedBy();
        BigDecimal total = g.report().value(m);
        List<List<Cell>> rows = g.consumers().stream().map(l -> List.of(Cell.name(l.series().toString()),
                Cell.of(Format.value(m, l.change().current(), r.currency())),
                Cell.of(total.signum() == 0 ? "–" : Format.share(l.change().current().divide(total,
                        MathContext.DECIMAL64))),
                Cell.change(l.change(), Format.change(m, l.change(), r.currency())))).toList();
        return new Table("Top consumers by " + Amounts.unit(m),
                List.of("Key x model", Amounts.unit(m), "Share", "Change"), rows);
    }

    private Table movers(GroupReport g) {
        Metric m = g.rankedBy();
        List<List<Cell>> rows = g.movers().stream().map(l -> List.of(Cell.name(l.series().toString()),
                Cell.of(Format.value(m, l.change().previous(), r.currency())),
                Cell.of(Format.value(m, l.change().current(), r.currency())),
                Cell.change(l.change(), Format.change(m, l.change(), r.currency())))).toList();
        return new Table("Top movers by " + Amounts.unit(m),
                List.of("Key x model", "Previous", "This period", "Change"), rows);
    }
}

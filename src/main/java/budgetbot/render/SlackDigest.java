package budgetbot.render;

import budgetbot.config.Metric;
import budgetbot.digest.BudgetStanding;
import budgetbot.digest.Change;
import budgetbot.digest.DigestReport;
import budgetbot.digest.GroupReport;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** Slack Block Kit blocks for a digest, kept within Slack's limits so that Slack does not reject the post. */
final class SlackDigest {
    private static final String SPARKS = "▁▂▃▄▅▆▇█";

    private SlackDigest() {
    }

    static String render(String title, DigestReport r) {
        BlockKit kit = BlockKit.builder().header(title)
                .context(List.of("*" + Mrkdwn.escape(DigestContent.headline(r)) + "*\n"
                        + Mrkdwn.escape(DigestContent.periodLine(r))
                        + DigestContent.lateLine(r).map(late -> "\n:hourglass: " + Mrkdwn.escape(late)).orElse("")));
        List<DigestContent.Scoped> sections = DigestContent.scoped(r);
        int room = BlockKit.BLOCKS_MAX - kit.size() - (r.silences().isEmpty() ? 0 : 1);
        int shown = sections.size() <= room ? sections.size() : room - 1;
        sections.subList(0, shown).forEach(s -> section(kit, r, s.group(), s.sameScopeAs()));
        if (shown < sections.size()) {
            List<GroupReport> rest = sections.subList(shown, sections.size()).stream()
                    .map(DigestContent.Scoped::group).toList();
            kit.context(List.of("…and " + rest.size() + " more: " + rest.stream()
                    .map(g -> Mrkdwn.escape(g.name()) + " " + Format.compact(g.report().totals().totalTokens()) + " tokens")
                    .collect(Collectors.joining(", "))));
        }
        if (!r.silences().isEmpty()) {
            kit.context(List.of(":no_bell: Silenced: " + r.silences().stream()
                    .map(s -> Mrkdwn.escape(s.rule() + s.group().map(g -> " (" + g + ")").orElse("")) + " until "
                            + Format.moment(s.until(), r.zone()))
                    .collect(Collectors.joining(", "))));
        }
        return kit.toJson();
    }

    private static void section(BlockKit kit, DigestReport r, GroupReport g, Optional<String> sameScopeAs) {
        StringBuilder text = new StringBuilder("*").append(Mrkdwn.escape(g.name())).append('*');
        boolean usage = sameScopeAs.isEmpty() && !g.noUsage();
        if (sameScopeAs.isPresent()) {
            text.append("\n").append(Mrkdwn.escape(DigestContent.sameScope(sameScopeAs.get())));
        } else if (g.noUsage()) {
            text.append("\nNo usage in this period.");
        } else {
            text.append("  `").append(sparkline(g)).append('`');
        }
        for (BudgetStanding b : g.budgets()) {
            List<String> parts = new ArrayList<>();
            b.reportUsed().ifPresent(u -> parts.add("this period " + standing(b, u, r)));
            b.currentUsed().ifPresent(u -> parts.add("now " + standing(b, u, r)));
            b.forecast().ifPresent(p -> parts.add("forecast " + Format.value(b.metric(), p.total(), r.currency())));
            if (!parts.isEmpty()) {
                text.append("\n• ").append(Amounts.unit(b.metric())).append(" per ")
                        .append(b.period().yamlName()).append(" (").append(Mrkdwn.escape(b.group())).append(") of ")
                        .append(Format.value(b.metric(), b.limit(), r.currency())).append(": ")
                        .append(String.join(", ", parts));
            }
        }
        g.lastHours().forEach(f -> text.append("\n• last hour: ").append(Mrkdwn.escape(AnomalyWords.standing(f,
                r.currency().orElse(""), r.zone()))));
        if (!g.alerts().isEmpty()) {
            text.append("\n:rotating_light: ").append(Amounts.count(g.alerts().size(), "alert")).append(": ").append(g.alerts()
                    .stream().map(a -> Mrkdwn.escape(a.kind() + " " + a.group() + " " + a.level() + " " + a.status()))
                    .collect(Collectors.joining("; ")));
        }
        if (usage && !g.consumers().isEmpty()) {
            text.append("\nTop: ").append(g.consumers().stream().map(l -> Mrkdwn.escape(l.series().toString()) + " "
                    + compact(g.rankedBy(), l.change().current(), r)).collect(Collectors.joining(", ")));
        }
        kit.section(text.toString(), usage ? fields(r, g) : List.of());
    }

    private static String standing(BudgetStanding b, BigDecimal used, DigestReport r) {
        return Format.value(b.metric(), used, r.currency())
                + b.fraction(used).map(f -> " (" + Format.share(f) + ")").orElse("");
    }

    private static List<String> fields(DigestReport r, GroupReport g) {
        List<String> out = new ArrayList<>();
        out.add(field("Tokens", Metric.TOKENS, g, r));
        g.report().cost().ifPresent(c -> out.add(field("Cost", Metric.COST, g, r)));
        out.add(field("Requests", Metric.REQUESTS, g, r));
        out.add("*Input / output*\n" + Format.compact(g.report().totals().inputTokens()) + " / "
                + Format.compact(g.report().totals().outputTokens()));
        if (g.report().totals().images() > 0) {
            out.add(field("Images", Metric.IMAGES, g, r));
        }
        return out;
    }

    private static String field(String label, Metric m, GroupReport g, DigestReport r) {
        Change c = g.change(m);
        return "*" + label + "*\n" + compact(m, c.current(), r) + "  " + (Format.arrow(c) + " " + Format.percent(c))
                .strip();
    }

    private static String compact(Metric m, BigDecimal v, DigestReport r) {
        return m == Metric.COST ? Format.money(r.currency(), v) : Format.compact(v);
    }

    /** One character per bar, scaled to the largest bar. */
    static String sparkline(GroupReport g) {
        List<BigDecimal> values = g.chart().stream().map(p -> p.amounts().value(g.rankedBy())).toList();
        BigDecimal max = values.stream().reduce(BigDecimal.ZERO, BigDecimal::max);
        StringBuilder out = new StringBuilder();
        for (BigDecimal v : values) {
            int level = max.signum() == 0 ? 0
                    : (int) Math.round(v.doubleValue() / max.doubleValue() * (SPARKS.length() - 1));
            out.append(SPARKS.charAt(Math.max(0, level)));
        }
        return out.toString();
    }
}

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

    static String render(DigestContent c) {
        DigestReport r = c.r;
        Words w = c.w;
        BlockKit kit = BlockKit.builder().header(c.title())
                .context(List.of("*" + Mrkdwn.escape(c.headline()) + "*\n" + Mrkdwn.escape(c.periodLine())
                        + c.lateLine().map(late -> "\n:hourglass: " + Mrkdwn.escape(late)).orElse("")));
        List<DigestContent.Scoped> sections = c.scoped();
        int room = BlockKit.BLOCKS_MAX - kit.size() - (r.silences().isEmpty() ? 0 : 1);
        int shown = sections.size() <= room ? sections.size() : room - 1;
        sections.subList(0, shown).forEach(s -> section(kit, c, s.group(), s.sameScopeAs()));
        if (shown < sections.size()) {
            List<GroupReport> rest = sections.subList(shown, sections.size()).stream()
                    .map(DigestContent.Scoped::group).toList();
            kit.context(List.of(w.get("blocks.more", rest.size(), rest.stream()
                    .map(g -> Mrkdwn.escape(c.name(g)) + " " + w.counted(Metric.TOKENS,
                            Format.compact(g.report().totals().totalTokens())))
                    .collect(Collectors.joining(w.get("list.comma"))))));
        }
        if (!r.silences().isEmpty()) {
            kit.context(List.of(":no_bell: " + w.get("fact", w.get("digest.silenced.heading"), r.silences().stream()
                    .map(s -> w.get("digest.silencedUntil", Mrkdwn.escape(s.group().map(g -> w.get("alert.ruleGroup",
                            s.rule(), c.labels.group(g))).orElse(s.rule())), c.moment(s.until())))
                    .collect(Collectors.joining(w.get("list.comma"))))));
        }
        return kit.toJson();
    }

    private static void section(BlockKit kit, DigestContent c, GroupReport g, Optional<String> sameScopeAs) {
        Words w = c.w;
        StringBuilder text = new StringBuilder("*").append(Mrkdwn.escape(c.name(g))).append('*');
        boolean usage = sameScopeAs.isEmpty() && !g.noUsage();
        if (sameScopeAs.isPresent()) {
            text.append("\n").append(Mrkdwn.escape(c.sameScope(sameScopeAs.get())));
        } else if (g.noUsage()) {
            text.append("\n").append(Mrkdwn.escape(w.get("digest.noUsage")));
        } else {
            text.append("  `").append(sparkline(g)).append('`');
        }
        for (BudgetStanding b : g.budgets()) {
            List<String> parts = new ArrayList<>();
            b.reportUsed().ifPresent(u -> parts.add(w.get("digest.slack.thisPeriod", standing(b, u, c))));
            b.currentUsed().ifPresent(u -> parts.add(w.get("digest.slack.now", standing(b, u, c))));
            b.forecast().ifPresent(p -> parts.add(w.get("digest.slack.forecast", c.value(b.metric(), p.total()))));
            if (!parts.isEmpty()) {
                text.append("\n• ").append(Mrkdwn.escape(w.get("digest.slack.budget", c.budget(b),
                        c.value(b.metric(), b.limit()), String.join(w.get("list.comma"), parts))));
            }
        }
        g.lastHours().forEach(f -> text.append("\n• ").append(Mrkdwn.escape(w.get("digest.slack.lastHour",
                c.lastHour(f)))));
        if (!g.alerts().isEmpty()) {
            text.append("\n:rotating_light: ").append(Mrkdwn.escape(w.get("fact", w.count(g.alerts().size(),
                    "digest.slack.alerts"), g.alerts().stream().map(a -> c.alert(a) + " " + c.labels.group(a.group()))
                    .collect(Collectors.joining(w.get("list.semicolon"))))));
        }
        if (usage && !g.consumers().isEmpty()) {
            text.append("\n").append(Mrkdwn.escape(w.get("fact", w.get("digest.slack.top"), g.consumers().stream()
                    .map(l -> c.series(l.series()) + " " + compact(g.rankedBy(), l.change().current(), c))
                    .collect(Collectors.joining(w.get("list.comma"))))));
        }
        kit.section(text.toString(), usage ? fields(c, g) : List.of());
    }

    private static String standing(BudgetStanding b, BigDecimal used, DigestContent c) {
        return c.value(b.metric(), used) + b.fraction(used).map(f -> " (" + Format.share(f) + ")").orElse("");
    }

    private static List<String> fields(DigestContent c, GroupReport g) {
        List<String> out = new ArrayList<>();
        out.add(field(Metric.TOKENS, g, c));
        g.report().cost().ifPresent(v -> out.add(field(Metric.COST, g, c)));
        out.add(field(Metric.REQUESTS, g, c));
        out.add("*" + Mrkdwn.escape(c.w.get("digest.slack.inputOutput")) + "*\n"
                + Format.compact(g.report().totals().inputTokens()) + " / "
                + Format.compact(g.report().totals().outputTokens()));
        if (g.report().totals().images() > 0) {
            out.add(field(Metric.IMAGES, g, c));
        }
        return out;
    }

    private static String field(Metric m, GroupReport g, DigestContent c) {
        Change change = g.change(m);
        return "*" + Mrkdwn.escape(c.w.get("digest.slack.field." + m.name())) + "*\n"
                + compact(m, change.current(), c) + "  " + (Format.arrow(change) + " " + c.percent(change)).strip();
    }

    private static String compact(Metric m, BigDecimal v, DigestContent c) {
        return m == Metric.COST ? c.money(v) : Format.compact(v);
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

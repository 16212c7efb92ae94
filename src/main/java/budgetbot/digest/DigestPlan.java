package budgetbot.digest;

import budgetbot.config.BotConfig;
import budgetbot.config.DigestConfig;
import budgetbot.config.RuleConfig;
import budgetbot.rules.Grouping;
import budgetbot.time.PeriodCalendar;
import budgetbot.time.PeriodUnit;
import budgetbot.time.Window;
import budgetbot.usage.Series;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * What one run of a digest covers: its groups of series and the windows to fetch for every series.
 *
 * @param report     the previous complete period, the one the digest is about
 * @param comparison the period before {@code report}
 * @param current    the current period up to {@code at}, for budget standings when the evaluator has none
 * @param late       why this run comes after the digest's time, when it does
 */
public record DigestPlan(DigestConfig digest, PeriodCalendar calendar, Instant at, List<DigestGroup> groups,
                         Window report, Window comparison, Window current, Optional<Lateness> late) {
    /** Name of the group of the digest's own {@code keys} x {@code models}. */
    public static final String EXTRA_GROUP = "other keys";

    public DigestPlan {
        Objects.requireNonNull(digest, "digest");
        Objects.requireNonNull(calendar, "calendar");
        Objects.requireNonNull(at, "at");
        groups = List.copyOf(groups);
        if (groups.isEmpty()) {
            throw new IllegalArgumentException("digest " + digest.name() + " covers no series");
        }
        if (digest.top() < 1) {
            throw new IllegalArgumentException("digest " + digest.name() + ": top must be at least 1: "
                    + digest.top());
        }
        Objects.requireNonNull(report, "report");
        Objects.requireNonNull(comparison, "comparison");
        Objects.requireNonNull(current, "current");
        Objects.requireNonNull(late, "late");
    }

    /**
     * The plan of digest {@code d} run at {@code at}, on time.
     *
     * @throws IllegalArgumentException when the digest names a rule the config does not have, or covers nothing
     */
    public static DigestPlan of(DigestConfig d, BotConfig cfg, Instant at) {
        return of(d, cfg, at, Optional.empty());
    }

    /** As {@link #of(DigestConfig, BotConfig, Instant)}, for a run that is {@code late} when that is present. */
    public static DigestPlan of(DigestConfig d, BotConfig cfg, Instant at, Optional<Lateness> late) {
        List<DigestGroup> groups = new ArrayList<>();
        for (String name : d.rules()) {
            RuleConfig rule = cfg.rule(name).orElseThrow(() -> new IllegalArgumentException(
                    "digest " + d.name() + " covers undefined rule \"" + name + "\""));
            groups.add(new DigestGroup(rule.name(), Optional.of(rule), Grouping.series(rule)));
        }
        List<Series> extra = cross(d.keys(), d.models());
        if (!extra.isEmpty()) {
            groups.add(new DigestGroup(EXTRA_GROUP, Optional.empty(), extra));
        }
        PeriodCalendar calendar = cfg.calendar();
        Window report = calendar.previous(d.period(), at);
        Window comparison = calendar.previous(d.period(), report.start());
        return new DigestPlan(d, calendar, at, groups, report, comparison, calendar.soFar(d.period(), at), late);
    }

    public PeriodUnit period() {
        return digest.period();
    }

    /** The windows the caller fetches for every series of {@link #series()}. */
    public Set<Window> windows() {
        return new LinkedHashSet<>(List.of(report, comparison, current));
    }

    /** Every covered series once, even when groups overlap. */
    public SortedSet<Series> series() {
        SortedSet<Series> all = new TreeSet<>();
        groups.forEach(g -> all.addAll(g.series()));
        return all;
    }

    private static List<Series> cross(List<String> keys, List<String> models) {
        List<Series> out = new ArrayList<>();
        for (String key : keys) {
            for (String model : models) {
                out.add(new Series(key, model));
            }
        }
        return out;
    }
}

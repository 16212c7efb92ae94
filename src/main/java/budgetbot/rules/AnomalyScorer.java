package budgetbot.rules;

import budgetbot.config.Anomaly;
import budgetbot.time.PeriodCalendar;
import budgetbot.time.PeriodUnit;

import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Robust statistics for one hour of one group, pure: the hour against the same hour of the week over the baseline
 * weeks, expected = median, spread = median absolute deviation (MAD). It is anomalous when the modified z-score
 * {@code 0.6745 * (x - median) / MAD} reaches the sensitivity, {@code x - median} reaches {@code minExcess} and
 * {@code x} reaches {@code minRatio * median}; when MAD is 0 (a flat history) the excess and ratio decide alone.
 *
 * <p>History is how long the group has used anything: with fewer than 3 weeks the same hour of the day over the
 * last 14 days stands in; with fewer than 7 days nothing is scored. Hours on quiet dates are never samples (with
 * quiet dates, up to {@value #QUIET_EXTRA_WEEKS} more weeks back make up for them), and a quiet hour is not scored
 * itself (a holiday or a make-up working day has no usual value).
 */
final class AnomalyScorer {
    static final Duration MIN_HISTORY = Duration.ofDays(7);
    static final Duration WEEKLY_HISTORY = Duration.ofDays(21);
    static final int FALLBACK_DAYS = 14;
    /** Fewer comparable hours than this (quiet dates everywhere) make no median worth trusting. */
    static final int MIN_SAMPLES = 3;
    private static final BigDecimal CONSISTENCY = new BigDecimal("0.6745");
    /** How many weeks beyond the baseline a rule with quiet dates looks back for the weeks they leave out. */
    static final int QUIET_EXTRA_WEEKS = 2;

    /**
     * A group's hourly values as fetched.
     *
     * @param byHour     hour start to value; an hour without usage may be absent (it is 0)
     * @param firstUsage the first hour with any usage in the fetched span: where the group's history starts
     */
    record Hourly(Map<Instant, BigDecimal> byHour, Optional<Instant> firstUsage) {
        BigDecimal at(Instant hour) {
            return byHour.getOrDefault(hour, BigDecimal.ZERO);
        }
    }

    /** What scoring one hour found: the statistics, or why there are none, and whether it is anomalous. */
    record Verdict(AnomalyScore.Basis basis, int samples, BigDecimal value, BigDecimal expected, BigDecimal spread,
                   Optional<BigDecimal> z, Optional<String> unscored, boolean anomalous) {
    }

    private final Anomaly check;
    private final PeriodCalendar calendar;
    private final Set<LocalDate> quiet;

    AnomalyScorer(Anomaly check, PeriodCalendar calendar, Set<LocalDate> quiet) {
        this.check = check;
        this.calendar = calendar;
        this.quiet = quiet;
    }

    Verdict score(Hourly h, Instant hour) {
        BigDecimal x = h.at(hour);
        ZonedDateTime local = hour.atZone(calendar.zone());
        if (quiet.contains(local.toLocalDate())) {
            return unscored(x, "a quiet date: " + local.toLocalDate() + " is left out of anomaly checks");
        }
        Duration history = h.firstUsage().filter(first -> !first.isAfter(hour))
                .map(first -> Duration.between(first, hour)).orElse(Duration.ZERO);
        if (history.compareTo(MIN_HISTORY) < 0) {
            return unscored(x, "too little history: " + history.toDays() + (history.toDays() == 1 ? " day" : " days")
                    + " of usage, anomaly checks need " + MIN_HISTORY.toDays());
        }
        boolean weekly = history.compareTo(WEEKLY_HISTORY) >= 0;
        List<BigDecimal> samples = new ArrayList<>();
        int wanted = weekly ? check.baselineWeeks() : FALLBACK_DAYS;
        int back = weekly ? wanted + extraWeeks(quiet) : FALLBACK_DAYS;
        for (int k = 1; k <= back && samples.size() < wanted; k++) {
            ZonedDateTime then = weekly ? local.minusWeeks(k) : local.minusDays(k);
            Instant start = calendar.periodOf(PeriodUnit.HOUR, then.toInstant()).start();
            if (start.isBefore(h.firstUsage().orElseThrow()) || quiet.contains(then.toLocalDate())) {
                continue;
            }
            samples.add(h.at(start));
        }
        if (samples.size() < MIN_SAMPLES) {
            return unscored(x, "too little history: only " + samples.size() + " comparable hours outside quiet dates,"
                    + " anomaly checks need " + MIN_SAMPLES);
        }
        BigDecimal median = median(samples);
        BigDecimal mad = median(samples.stream().map(v -> v.subtract(median).abs()).toList());
        BigDecimal excess = x.subtract(median);
        Optional<BigDecimal> z = mad.signum() == 0 ? Optional.empty()
                : Optional.of(CONSISTENCY.multiply(excess).divide(mad, MathContext.DECIMAL64));
        boolean anomalous = excess.compareTo(check.minExcess()) >= 0
                && x.compareTo(check.minRatio().multiply(median)) >= 0
                && z.map(score -> score.compareTo(check.sensitivity()) >= 0).orElse(true);
        return new Verdict(weekly ? AnomalyScore.Basis.HOUR_OF_WEEK : AnomalyScore.Basis.HOUR_OF_DAY, samples.size(),
                x, median, mad, z, Optional.empty(), anomalous);
    }

    /** The weeks a check looks back beyond its baseline: room for quiet weeks, when there are any. */
    static int extraWeeks(Set<LocalDate> quiet) {
        return quiet.isEmpty() ? 0 : QUIET_EXTRA_WEEKS;
    }

    private static Verdict unscored(BigDecimal x, String why) {
        return new Verdict(AnomalyScore.Basis.NONE, 0, x, BigDecimal.ZERO, BigDecimal.ZERO, Optional.empty(),
                Optional.of(why), false);
    }

    static BigDecimal median(List<BigDecimal> values) {
        List<BigDecimal> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2)
                : sorted.get(n / 2 - 1).add(sorted.get(n / 2)).divide(BigDecimal.valueOf(2), MathContext.DECIMAL64);
    }
}

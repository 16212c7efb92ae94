package budgetbot.simulator;

import budgetbot.time.Window;
import budgetbot.usage.Series;
import budgetbot.usage.UsageTotals;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Made-up but plausible hourly usage per series: a daily rhythm in China time (and, with {@link Rhythm#WEEKLY}, a
 * weekly one), a per-model scale and a seeded per-hour noise factor. An hour's value depends only on (seed, key, model, hour), never on the window asked for.
 * Which series have usage at all is the simulator's keys' business ({@link SimKeys}).
 */
final class SyntheticUsage {
    static final ZoneId CHINA = ZoneId.of("Asia/Shanghai");
    private static final ZoneRules CHINA_RULES = CHINA.getRules();
    private static final long HOUR = 3600;
    private static final double TOKENS_PER_REQUEST = 1800;

    /** Usage within one hour (or the part of it inside a window); {@code hour} is the hour's start. */
    record Hour(Instant hour, UsageTotals totals) {
    }

    private final long seed;
    private final Rhythm rhythm;
    private final Optional<Spike> spike;
    private final Optional<Window> spikeWindow;

    SyntheticUsage(long seed, Rhythm rhythm, Optional<Spike> spike, Instant started) {
        this.seed = seed;
        this.rhythm = rhythm;
        this.spike = spike;
        this.spikeWindow = spike.map(s -> s.window(started));
    }

    /**
     * The hours overlapping {@code window} up to {@code now}. A partly covered hour gets its cumulative share
     * {@code floor(v * to / 3600) - floor(v * from / 3600)}, which is {@code floor(v * overlap / 3600)} for a window
     * starting on the hour and keeps totals exactly additive wherever windows are cut.
     */
    List<Hour> hours(Series series, Window window, Instant now) {
        List<Hour> out = new ArrayList<>();
        Instant end = window.end().isBefore(now) ? window.end() : now;
        if (!window.start().isBefore(end)) {
            return out;
        }
        for (Instant hour = window.start().truncatedTo(ChronoUnit.HOURS); hour.isBefore(end);
             hour = hour.plus(Duration.ofHours(1))) {
            long from = Math.max(0, window.start().getEpochSecond() - hour.getEpochSecond());
            long to = Math.min(HOUR, end.getEpochSecond() - hour.getEpochSecond());
            UsageTotals full = fullHour(series, hour);
            out.add(new Hour(hour, new UsageTotals(share(full.inputTokens(), from, to),
                    share(full.outputTokens(), from, to), share(full.totalTokens(), from, to),
                    share(full.requests(), from, to), share(full.images(), from, to))));
        }
        return out;
    }

    UsageTotals total(Series series, Window window, Instant now) {
        return hours(series, window, now).stream().map(Hour::totals).reduce(UsageTotals.ZERO, UsageTotals::plus);
    }

    /** The usage of a whole hour. */
    UsageTotals fullHour(Series series, Instant hour) {
        // hour.atZone(CHINA).getHour() without building a ZonedDateTime: the hot path of every simulated request
        long local = hour.getEpochSecond() + CHINA_RULES.getOffset(hour).getTotalSeconds();
        int hourOfDay = (int) Math.floorMod(Math.floorDiv(local, HOUR), 24L);
        // lowest at 03:00, highest at 15:00 China time
        double daily = 0.55 - 0.45 * Math.cos(2 * Math.PI * (hourOfDay - 3) / 24);
        // day 0 of the epoch was a Thursday
        DayOfWeek day = DayOfWeek.of((int) Math.floorMod(Math.floorDiv(local, HOUR * 24) + 3, 7L) + 1);
        double noise = rhythm.factor(day, hourOfDay, unit(mix(seed, series.keyId(), series.model(),
                hour.getEpochSecond())));
        double peak = 40_000 + 360_000 * unit(mix(seed, series.model(), "scale"));
        double keyWeight = 0.5 + unit(mix(seed, series.keyId(), "weight"));
        double outRatio = 0.15 + 0.5 * unit(mix(seed, series.model(), "out"));
        long in = Math.round(peak * keyWeight * daily * noise);
        long out = Math.round(in * outRatio);
        long requests = Math.max(1, Math.round(in / TOKENS_PER_REQUEST));
        long images = isImageModel(series.model()) ? requests : 0;
        double factor = spikeFactor(series, hour);
        if (factor != 1) {
            in = Math.round(in * factor);
            out = Math.round(out * factor);
            requests = Math.round(requests * factor);
            images = Math.round(images * factor);
        }
        return new UsageTotals(in, out, in + out, requests, images);
    }

    private double spikeFactor(Series series, Instant hour) {
        return spike.filter(s -> s.matches(series) && spikeWindow.orElseThrow().contains(hour))
                .map(Spike::factor).orElse(1.0);
    }

    /** Models that generate images: GetUMInferAPIModel lists them under ModelType 2. */
    static boolean isImageModel(String model) {
        String m = model.toLowerCase(Locale.ROOT);
        return m.contains("image") || m.contains("flux");
    }

    private static long share(long value, long from, long to) {
        return Math.floorDiv(value * to, HOUR) - Math.floorDiv(value * from, HOUR);
    }

    private static long mix(long seed, Object... parts) {
        long h = seed;
        for (Object part : parts) {
            h = splitMix(h ^ (part instanceof Long l ? l : part.hashCode()));
        }
        return h;
    }

    private static long splitMix(long z) {
        z += 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** A hash as a number in [0, 1). */
    private static double unit(long hash) {
        return (hash >>> 11) * 0x1.0p-53;
    }
}

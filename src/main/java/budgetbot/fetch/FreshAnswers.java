package budgetbot.fetch;

import budgetbot.time.Window;
import budgetbot.usage.Series;
import budgetbot.usage.Usage;
import budgetbot.usage.UsageSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The open part of a series' days, asked of UCloud once for every rule due in the same cycle. Rules whose checks
 * run at the same moment each ask for a window from the same settle boundary to their own "now", milliseconds apart
 * and in any order: the first one asks, the others wait for its answer, or take it while it is at most
 * {@code freshFor} old and its window ends within {@code freshFor} of theirs. Only live checks use it (their "now"
 * is the clock's, so no answer can know more than its moment); a backtest replays past steps without it. Failures
 * are not kept.
 */
public final class FreshAnswers implements UsageSource {
    private static final Logger log = LoggerFactory.getLogger(FreshAnswers.class);
    private final UsageSource source;
    private final Duration freshFor;
    private final Clock clock;
    private final Map<List<Object>, Answer> answers = new ConcurrentHashMap<>();
    private final Counter asked;
    private final Counter shared;
    /** When answers too old to serve anyone are next forgotten: each cycle's windows start anew at a day's settling. */
    private volatile Instant nextPurge = Instant.MIN;
    private long reportedAsked;
    private long reportedShared;
    private Instant reportedAt;

    /** One answer, or the request for it still under way. */
    private record Answer(Instant askedAt, Window window, CompletableFuture<Usage> usage) {
    }

    public FreshAnswers(UsageSource source, Duration freshFor, Clock clock, MeterRegistry registry) {
        this.source = Objects.requireNonNull(source, "source");
        this.freshFor = Objects.requireNonNull(freshFor, "freshFor");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.asked = Counter.builder("budgetbot.usage.open.answers").tag("source", "ucloud")
                .description("Answers for the open part of a series' days: asked of UCloud, or shared between rules")
                .register(registry);
        this.reportedAt = clock.instant();
        this.shared = Counter.builder("budgetbot.usage.open.answers").tag("source", "shared")
                .description("Answers for the open part of a series' days: asked of UCloud, or shared between rules")
                .register(registry);
    }

    @Override
    public Usage fetch(Series series, Window window) {
        return answer(List.of("fetch", series, window.start()), window, () -> source.fetch(series, window));
    }

    @Override
    public Usage fetchOnce(Series series, Window window) {
        return answer(List.of("once", series, window.start()), window, () -> source.fetchOnce(series, window));
    }

    private Usage answer(List<Object> key, Window window, Supplier<Usage> ask) {
        Instant now = clock.instant();
        if (!now.isBefore(nextPurge)) {
            purge(now);
        }
        Answer mine = new Answer(now, window, new CompletableFuture<>());
        Answer used = answers.compute(key, (k, last) -> last != null && serves(last, window, now) ? last : mine);
        if (used != mine) {
            shared.increment();
            Usage usage = join(used.usage());
            return new Usage(usage.series(), window, usage.totals(), usage.buckets());
        }
        asked.increment();
        try {
            mine.usage().complete(ask.get());
        } catch (RuntimeException e) {
            answers.remove(key, mine);
            mine.usage().completeExceptionally(e);
            throw e;
        }
        return mine.usage().join();
    }

    /**
     * Forgets the answers too old to serve anyone, and says how many requests the checks since the last time made,
     * and how many answers they shared; once per {@code freshFor}, however many threads find it due.
     */
    private synchronized void purge(Instant now) {
        if (now.isBefore(nextPurge)) {
            return;
        }
        nextPurge = now.plus(freshFor);
        answers.values().removeIf(a -> a.usage().isDone()
                && Duration.between(a.askedAt(), now).compareTo(freshFor) > 0);
        long askedNow = (long) asked.count();
        long sharedNow = (long) shared.count();
        if (askedNow > reportedAsked || sharedNow > reportedShared) {
            log.info("unsettled usage: {} requests to UCloud, {} answers shared between rules, since {}",
                    askedNow - reportedAsked, sharedNow - reportedShared, reportedAt);
        }
        reportedAsked = askedNow;
        reportedShared = sharedNow;
        reportedAt = now;
    }

    /** Whether {@code last} may answer for {@code window} now: fresh, not failed, about the same moment. */
    private boolean serves(Answer last, Window window, Instant now) {
        return !last.usage().isCompletedExceptionally()
                && Duration.between(last.askedAt(), now).compareTo(freshFor) <= 0
                && Duration.between(last.window().end(), window.end()).abs().compareTo(freshFor) <= 0;
    }

    private static Usage join(CompletableFuture<Usage> usage) {
        try {
            return usage.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : e;
        }
    }
}

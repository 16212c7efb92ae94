package budgetbot.fetch;

import budgetbot.time.Window;
import budgetbot.usage.Series;
import budgetbot.usage.Usage;
import budgetbot.usage.UsageSource;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * A source that is asked once per series and window, for a backtest: rules replayed side by side each ask for the
 * open part of the same step, which a single {@code check} of all rules asks for once. It keeps every answer, so
 * it lives as long as one replay; a failure is not kept.
 */
public final class OnceEach implements UsageSource {
    private final UsageSource source;
    private final Map<List<Object>, CompletableFuture<Usage>> answers = new ConcurrentHashMap<>();

    public OnceEach(UsageSource source) {
        this.source = Objects.requireNonNull(source, "source");
    }

    @Override
    public Usage fetch(Series series, Window window) {
        return once(List.of("fetch", series, window), () -> source.fetch(series, window));
    }

    @Override
    public Usage fetchOnce(Series series, Window window) {
        return once(List.of("once", series, window), () -> source.fetchOnce(series, window));
    }

    /** The first caller asks; callers meanwhile wait for its answer (a request can take seconds). */
    private Usage once(List<Object> key, Supplier<Usage> ask) {
        CompletableFuture<Usage> mine = new CompletableFuture<>();
        CompletableFuture<Usage> first = answers.putIfAbsent(key, mine);
        if (first == null) {
            try {
                mine.complete(ask.get());
            } catch (RuntimeException e) {
                answers.remove(key, mine);
                mine.completeExceptionally(e);
                throw e;
            }
            return mine.join();
        }
        try {
            return first.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : e;
        }
    }
}

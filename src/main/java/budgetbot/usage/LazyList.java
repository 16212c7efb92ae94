package budgetbot.usage;

import java.util.AbstractList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * An unmodifiable list computed on first use. The usage cache serves a month of hourly buckets this way: a
 * check that only compares totals never decodes them.
 */
public final class LazyList<T> extends AbstractList<T> {
    private final Supplier<List<T>> compute;
    private volatile List<T> items;

    public LazyList(Supplier<List<T>> compute) {
        this.compute = Objects.requireNonNull(compute, "compute");
    }

    private List<T> items() {
        List<T> i = items;
        if (i == null) {
            synchronized (this) {
                i = items;
                if (i == null) {
                    i = List.copyOf(compute.get());
                    items = i;
                }
            }
        }
        return i;
    }

    @Override
    public T get(int index) {
        return items().get(index);
    }

    @Override
    public int size() {
        return items().size();
    }
}

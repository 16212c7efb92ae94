package budgetbot.simulator;

import budgetbot.time.Window;
import budgetbot.usage.Series;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A burst the simulator adds to its usage: every hour that starts inside the spike is multiplied by {@code factor}.
 *
 * @param target a key id, a model, or a series written as {@code key x model}
 * @param start  when the spike starts; empty = {@code length} before the simulator started ("the last 3 hours")
 */
public record Spike(String target, Optional<Instant> start, Duration length, double factor) {
    public Spike {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(length, "length");
        if (target.isBlank()) {
            throw new IllegalArgumentException("spike target is blank");
        }
        if (length.isNegative() || length.isZero()) {
            throw new IllegalArgumentException("spike length must be positive: " + length);
        }
        if (!(factor > 0) || Double.isInfinite(factor)) {
            throw new IllegalArgumentException("spike factor must be a positive number: " + factor);
        }
    }

    /** A spike over the hours just before the simulator starts, e.g. {@code lastHours("k1", 3, 8)}. */
    public static Spike lastHours(String target, int hours, double factor) {
        return new Spike(target, Optional.empty(), Duration.ofHours(hours), factor);
    }

    public boolean matches(Series series) {
        return target.equals(series.keyId()) || target.equals(series.model()) || target.equals(series.toString());
    }

    /** Where the spike lies when the simulator starts at {@code now}. */
    Window window(Instant now) {
        Instant from = start.orElse(now.minus(length));
        return new Window(from, from.plus(length));
    }
}

package budgetbot.simulator;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A failure the simulator plays for one request instead of (or, for {@link Kind#SLOW}, before) its answer.
 *
 * @param delay how long a slow answer waits; zero for the other kinds
 */
public record Fault(Kind kind, Duration delay) {
    public static final Duration DEFAULT_SLOW = Duration.ofSeconds(2);

    /** What goes wrong; {@link #wire()} is the name the control endpoint takes. */
    public enum Kind {
        HTTP500, HTTP503, HTTP429, RET153, RET110, SLOW, GARBAGE;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Optional<Kind> parse(String wire) {
            return Arrays.stream(values()).filter(k -> k.wire().equals(wire)).findFirst();
        }

        public static String names() {
            return Arrays.stream(values()).map(Kind::wire).collect(Collectors.joining(", "));
        }
    }

    public Fault {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(delay, "delay");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("negative delay: " + delay);
        }
    }

    /** A fault of {@code kind}; a slow one waits {@link #DEFAULT_SLOW}. */
    public static Fault of(Kind kind) {
        return new Fault(kind, kind == Kind.SLOW ? DEFAULT_SLOW : Duration.ZERO);
    }

    public static Fault slow(Duration delay) {
        return new Fault(Kind.SLOW, delay);
    }
}

package budgetbot.digest;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Objects;
import java.util.Optional;

/** A value of the report window next to the same value of the comparison window. */
public record Change(BigDecimal previous, BigDecimal current) {
    public Change {
        Objects.requireNonNull(previous, "previous");
        Objects.requireNonNull(current, "current");
    }

    public BigDecimal delta() {
        return current.subtract(previous);
    }

    /** Relative change (0.12 = +12%); empty when the previous value was zero, where no ratio exists. */
    public Optional<BigDecimal> fraction() {
        return previous.signum() == 0 ? Optional.empty()
                : Optional.of(delta().divide(previous, MathContext.DECIMAL64));
    }

    /** Usage where there was none before. */
    public boolean isNew() {
        return previous.signum() == 0 && current.signum() > 0;
    }
}

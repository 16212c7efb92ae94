package budgetbot.usage;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An API key of the project as UCloud lists it. It never holds the key's secret value, only its id.
 *
 * @param id      the {@code KeyId} usage is asked for, e.g. {@code uminferapikey-xxx}
 * @param enabled whether UCloud lists it as normal (not disabled)
 * @param expires when it stops working; empty = never
 * @param models  the models it may call (text and image generation), none when it is disabled; empty when UCloud
 *                would not say, and the key is then taken to call any model
 * @param limits  its own daily and monthly spending limits in UCloud, and their use
 */
public record ApiKey(String id, String name, boolean enabled, Optional<Instant> expires,
                     Optional<List<String>> models, KeyLimits limits) {
    public ApiKey {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(expires, "expires");
        models = models.map(List::copyOf);
        Objects.requireNonNull(limits, "limits");
    }

    /** A key without limits of its own. */
    public ApiKey(String id, String name, boolean enabled, Optional<Instant> expires, Optional<List<String>> models) {
        this(id, name, enabled, expires, models, KeyLimits.NONE);
    }

    /** Whether it may call {@code model}: yes when its models are not known. */
    public boolean mayCall(String model) {
        return models.map(m -> m.contains(model)).orElse(true);
    }

    /** Whether it has expired by {@code at}. */
    public boolean expiredAt(Instant at) {
        return expires.filter(t -> !t.isAfter(at)).isPresent();
    }

    /** Whether it can be used at {@code at}: enabled and not expired. */
    public boolean usableAt(Instant at) {
        return enabled && !expiredAt(at);
    }
}

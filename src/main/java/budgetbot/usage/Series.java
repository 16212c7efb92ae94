package budgetbot.usage;

import java.util.Objects;

/** One API key used with one model: the unit UCloud reports usage for. */
public record Series(String keyId, String model) implements Comparable<Series> {
    public Series {
        Objects.requireNonNull(keyId, "keyId");
        Objects.requireNonNull(model, "model");
    }

    @Override
    public int compareTo(Series o) {
        int c = keyId.compareTo(o.keyId);
        return c != 0 ? c : model.compareTo(o.model);
    }

    @Override
    public String toString() {
        return keyId + " x " + model;
    }
}

package budgetbot.config;

import java.util.Map;
import java.util.Optional;

/** The price list that turns usage into money; {@code currency} is what cost limits are written in. */
public record Prices(String currency, Map<String, ModelPrice> models) {
    public Prices {
        models = Map.copyOf(models);
    }

    public Optional<ModelPrice> of(String model) {
        return Optional.ofNullable(models.get(model));
    }
}

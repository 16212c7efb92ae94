package budgetbot.config;

import java.math.BigDecimal;
import java.util.Objects;

/** Price of one model: {@code input}/{@code output} per million tokens, {@code image} per generated image. */
public record ModelPrice(BigDecimal input, BigDecimal output, BigDecimal image) {
    public ModelPrice {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(image, "image");
    }
}

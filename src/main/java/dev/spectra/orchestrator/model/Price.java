package dev.spectra.orchestrator.model;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Objects;

/**
 * A model's price per million tokens, input and output apart (the seed priced all tokens at the output
 * rate, which overstates a build's cost several times over).
 */
public record Price(BigDecimal inputPerMillion, BigDecimal outputPerMillion) {
  public static final Price FREE = new Price(BigDecimal.ZERO, BigDecimal.ZERO);
  private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);

  public Price {
    Objects.requireNonNull(inputPerMillion, "inputPerMillion");
    Objects.requireNonNull(outputPerMillion, "outputPerMillion");
    if (inputPerMillion.signum() < 0 || outputPerMillion.signum() < 0) {
      throw new IllegalArgumentException("prices must be >= 0");
    }
  }

  public static Price perMillion(String input, String output) {
    return new Price(new BigDecimal(input), new BigDecimal(output));
  }

  public boolean isFree() { return inputPerMillion.signum() == 0 && outputPerMillion.signum() == 0; }

  /** {@return what {@code usage} costs at this price} */
  public Money cost(Usage usage) {
    return cost(usage.promptTokens(), usage.completionTokens());
  }

  public Money cost(long inputTokens, long outputTokens) {
    BigDecimal in = inputPerMillion.multiply(BigDecimal.valueOf(inputTokens));
    BigDecimal out = outputPerMillion.multiply(BigDecimal.valueOf(outputTokens));
    return new Money(in.add(out).divide(MILLION, MathContext.DECIMAL64));
  }
}

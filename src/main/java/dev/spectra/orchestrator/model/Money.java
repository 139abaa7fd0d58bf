package dev.spectra.orchestrator.model;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Objects;

/** An amount in US dollars, exact (BigDecimal), never a double: ledgers must add up. */
public record Money(BigDecimal usd) implements Comparable<Money> {
  public static final Money ZERO = new Money(BigDecimal.ZERO);

  public Money {
    Objects.requireNonNull(usd, "usd");
  }

  public static Money usd(String amount) { return new Money(new BigDecimal(amount)); }
  public static Money usd(double amount) { return new Money(BigDecimal.valueOf(amount)); }

  public Money plus(Money other) { return new Money(usd.add(other.usd)); }
  public Money minus(Money other) { return new Money(usd.subtract(other.usd)); }
  public Money times(long n) { return new Money(usd.multiply(BigDecimal.valueOf(n))); }
  public boolean isZero() { return usd.signum() == 0; }
  public boolean exceeds(Money other) { return usd.compareTo(other.usd) > 0; }

  /**
   * {@return the amount in nano-dollars, rounded up} Databases add these up exactly in one statement; rounding up
   * keeps a limit from being passed by rounding.
   */
  public long nanosRoundedUp() {
    return usd.movePointRight(9).setScale(0, RoundingMode.CEILING).longValueExact();
  }

  public static Money ofNanos(long nanos) {
    return new Money(BigDecimal.valueOf(nanos, 9).stripTrailingZeros());
  }

  @Override public int compareTo(Money o) { return usd.compareTo(o.usd); }

  /** {@return "$0.000123"-style text, six decimals: enough to see the price of one small local-vs-cloud call} */
  @Override public String toString() {
    return "$" + usd.setScale(6, RoundingMode.HALF_UP).toPlainString();
  }
}

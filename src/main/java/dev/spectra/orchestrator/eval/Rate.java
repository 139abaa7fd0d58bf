package dev.spectra.orchestrator.eval;

/**
 * A success rate with its count and its 95% Wilson score interval. The eval never shows a rate without its n:
 * 3 of 3 and 300 of 300 are different claims.
 */
public record Rate(int successes, int n, double low, double high) {
  private static final double Z95 = 1.959963984540054;

  public Rate {
    if (n < 0 || successes < 0 || successes > n) {
      throw new IllegalArgumentException("invalid rate " + successes + "/" + n);
    }
  }

  /** {@return the rate of {@code successes} in {@code n} trials with its Wilson interval} */
  public static Rate of(int successes, int n) {
    if (n == 0) return new Rate(0, 0, 0, 1);
    double p = (double) successes / n;
    double z2 = Z95 * Z95;
    double denom = 1 + z2 / n;
    double centre = (p + z2 / (2.0 * n)) / denom;
    double half = Z95 * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n)) / denom;
    return new Rate(successes, n, Math.max(0, centre - half), Math.min(1, centre + half));
  }

  /** {@return the point estimate, or NaN with no trials} */
  public double value() {
    return n == 0 ? Double.NaN : (double) successes / n;
  }

  /** {@return e.g. "85.0% (17/20, 95% CI 64.0–94.8%)", or "n/a (0 trials)"} */
  @Override public String toString() {
    if (n == 0) return "n/a (0 trials)";
    return String.format(java.util.Locale.ROOT, "%.1f%% (%d/%d, 95%% CI %.1f–%.1f%%)",
        100 * value(), successes, n, 100 * low, 100 * high);
  }
}

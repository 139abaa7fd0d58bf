package dev.spectra.orchestrator.structured;

import java.time.Clock;
import java.util.Objects;

/**
 * Limits and choices of the structured-output engine.
 *
 * @param maxReasks how many times a model is re-asked with the exact errors after an unusable answer (default 2)
 * @param maxLengthRetries how many times a reply cut off at the token limit is retried with a larger limit
 * @param firstRetryTokens the limit for the first such retry when the request set none (the server's default is
 *     unknown); later retries double it
 * @param maxTokensCap the largest limit a retry may ask for
 * @param defaultTemperature used when the caller set none: 0 makes small local models far more regular
 * @param reasonFirst when nothing on the wire constrains the output, invite the model to think before the JSON
 *     (free text first, then the value in a fence); forcing the format too early lowers answer quality
 * @param clock stamps attempts
 */
public record StructuredOptions(
    int maxReasks,
    int maxLengthRetries,
    int firstRetryTokens,
    int maxTokensCap,
    double defaultTemperature,
    boolean reasonFirst,
    Clock clock) {

  public StructuredOptions {
    if (maxReasks < 0) throw new IllegalArgumentException("maxReasks must be >= 0");
    if (maxLengthRetries < 0) throw new IllegalArgumentException("maxLengthRetries must be >= 0");
    if (firstRetryTokens <= 0 || maxTokensCap <= 0) throw new IllegalArgumentException("token limits must be > 0");
    Objects.requireNonNull(clock, "clock");
  }

  public static StructuredOptions defaults() {
    return new StructuredOptions(2, 2, 2048, 16_384, 0.0, true, Clock.systemUTC());
  }

  public StructuredOptions withMaxReasks(int n) {
    return new StructuredOptions(n, maxLengthRetries, firstRetryTokens, maxTokensCap, defaultTemperature, reasonFirst,
        clock);
  }

  public StructuredOptions withMaxLengthRetries(int n) {
    return new StructuredOptions(maxReasks, n, firstRetryTokens, maxTokensCap, defaultTemperature, reasonFirst, clock);
  }

  public StructuredOptions withReasonFirst(boolean on) {
    return new StructuredOptions(maxReasks, maxLengthRetries, firstRetryTokens, maxTokensCap, defaultTemperature, on,
        clock);
  }

  public StructuredOptions withClock(Clock newClock) {
    return new StructuredOptions(maxReasks, maxLengthRetries, firstRetryTokens, maxTokensCap, defaultTemperature,
        reasonFirst, newClock);
  }
}

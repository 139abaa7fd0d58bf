package dev.spectra.orchestrator.gateway;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * One token bucket per gateway key: {@code rpm} tokens of capacity, refilled at {@code rpm / 60} per second, so a
 * key may burst its whole minute and then proceeds at the steady rate. The clock is injected (nanoseconds) so tests
 * need no sleeping.
 */
final class RateLimiter {
  private final LongSupplier nanoTime;
  private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

  RateLimiter(LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
  }

  /** {@return null when the request may proceed, else how long until a token is available} */
  Duration acquire(String keyId, int rpm) {
    Bucket b = buckets.computeIfAbsent(keyId, k -> new Bucket(rpm, nanoTime.getAsLong()));
    return b.take(rpm, nanoTime.getAsLong());
  }

  private static final class Bucket {
    private double tokens;
    private long last;

    Bucket(int rpm, long now) {
      tokens = rpm;
      last = now;
    }

    synchronized Duration take(int rpm, long now) {
      double perNano = rpm / 60e9;
      tokens = Math.min(rpm, tokens + (now - last) * perNano);
      last = now;
      if (tokens >= 1) {
        tokens -= 1;
        return null;
      }
      return Duration.ofNanos((long) Math.ceil((1 - tokens) / perNano));
    }
  }
}

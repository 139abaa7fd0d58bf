package dev.spectra.orchestrator.reliability;

import java.time.Clock;

/**
 * Milliseconds that never go backwards, from a wall clock that may (NTP steps, a VM resumed, a test). Forward
 * steps count; a backward step counts as no time passing, and time flows again from the new reading. So a
 * cooldown can be delayed by a backward step but never made negative or endless.
 */
final class MonotonicClock {
  private final Clock clock;
  private long lastRaw;
  private long elapsed;

  MonotonicClock(Clock clock) {
    this.clock = clock;
    this.lastRaw = clock.millis();
  }

  synchronized long millis() {
    long raw = clock.millis();
    if (raw > lastRaw) elapsed += raw - lastRaw;
    lastRaw = raw;
    return elapsed;
  }

  Clock wall() { return clock; }
}

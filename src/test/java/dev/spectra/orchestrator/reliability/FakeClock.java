package dev.spectra.orchestrator.reliability;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock tests move by hand, forwards or backwards. */
final class FakeClock extends Clock {
  private Instant now;

  FakeClock(Instant start) { this.now = start; }

  synchronized void advance(Duration d) { now = now.plus(d); }

  synchronized void set(Instant instant) { now = instant; }

  @Override public synchronized Instant instant() { return now; }

  @Override public ZoneId getZone() { return ZoneOffset.UTC; }

  @Override public Clock withZone(ZoneId zone) { return this; }
}

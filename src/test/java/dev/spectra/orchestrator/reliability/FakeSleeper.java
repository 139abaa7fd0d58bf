package dev.spectra.orchestrator.reliability;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Records the waits instead of waiting; optionally advances a {@link FakeClock} by them. */
final class FakeSleeper implements Sleeper {
  private final List<Duration> sleeps = new ArrayList<>();
  private final FakeClock clock;

  FakeSleeper(FakeClock clock) { this.clock = clock; }

  @Override public synchronized void sleep(Duration duration) {
    sleeps.add(duration);
    if (clock != null) clock.advance(duration);
  }

  synchronized List<Duration> sleeps() { return List.copyOf(sleeps); }
}

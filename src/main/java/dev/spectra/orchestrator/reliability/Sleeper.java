package dev.spectra.orchestrator.reliability;

import java.time.Duration;

/** Waits. Injected so backoff tests record the waits instead of taking wall time. */
@FunctionalInterface
public interface Sleeper {
  Sleeper SYSTEM = Thread::sleep;

  void sleep(Duration duration) throws InterruptedException;
}

package dev.spectra.orchestrator.reliability;

import java.util.ArrayList;
import java.util.List;

/** Records attempt events as "model:outcome:decision" lines, and breaker transitions, for asserting the log. */
final class RecordingAttemptListener implements AttemptListener {
  private final List<Ended> ended = new ArrayList<>();
  private final List<String> events = new ArrayList<>();

  @Override public synchronized void attemptEnded(Ended e) {
    ended.add(e);
    events.add(e.spec().name() + ":" + (e.attempt().error() == null ? "ok" : e.attempt().error().type()) + ":"
        + e.decision());
  }

  @Override public synchronized void breakerChanged(String endpoint, String from, String to) {
    events.add("breaker " + from + "->" + to);
  }

  synchronized List<String> events() { return List.copyOf(events); }

  synchronized List<Ended> ended() { return List.copyOf(ended); }
}

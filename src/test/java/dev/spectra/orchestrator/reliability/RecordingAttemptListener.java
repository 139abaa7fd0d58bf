package dev.spectra.orchestrator.reliability;

import dev.spectra.orchestrator.model.ModelRequest.CallContext;
import dev.spectra.orchestrator.model.ModelSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * Records every cascade event as a typed {@link CallEvent}, like OkHttp's {@code RecordingEventListener}, for
 * asserting the log; {@link #events()} renders the ended attempts and breaker changes as short lines.
 */
final class RecordingAttemptListener implements AttemptListener {
  /** What the cascade told its listener, in order. */
  sealed interface CallEvent {
    record AttemptStarted(CallContext context, String route, ModelSpec model) implements CallEvent {}

    record AttemptEnded(Ended ended) implements CallEvent {}

    record BreakerChanged(String endpoint, String from, String to) implements CallEvent {}
  }

  private final List<CallEvent> log = new ArrayList<>();

  @Override public synchronized void attemptStarted(CallContext context, String route, ModelSpec model) {
    log.add(new CallEvent.AttemptStarted(context, route, model));
  }

  @Override public synchronized void attemptEnded(Ended e) {
    log.add(new CallEvent.AttemptEnded(e));
  }

  @Override public synchronized void breakerChanged(String endpoint, String from, String to) {
    log.add(new CallEvent.BreakerChanged(endpoint, from, to));
  }

  /** {@return every event, typed, in order} */
  synchronized List<CallEvent> log() { return List.copyOf(log); }

  /** {@return "model:outcome:decision" per ended attempt and "breaker from->to" per change, in order} */
  synchronized List<String> events() {
    List<String> lines = new ArrayList<>();
    for (CallEvent event : log) {
      switch (event) {
        case CallEvent.AttemptStarted s -> { }   // paired with its end; the end carries the outcome
        case CallEvent.AttemptEnded a -> {
          Ended e = a.ended();
          lines.add(e.spec().name() + ":" + (e.attempt().error() == null ? "ok" : e.attempt().error().type()) + ":"
              + e.decision());
        }
        case CallEvent.BreakerChanged b -> lines.add("breaker " + b.from() + "->" + b.to());
      }
    }
    return lines;
  }

  synchronized List<Ended> ended() {
    return log.stream().filter(e -> e instanceof CallEvent.AttemptEnded)
        .map(e -> ((CallEvent.AttemptEnded) e).ended()).toList();
  }
}

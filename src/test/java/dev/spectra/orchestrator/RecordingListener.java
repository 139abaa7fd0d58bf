package dev.spectra.orchestrator;

import dev.spectra.orchestrator.gateway.Gateway;
import dev.spectra.orchestrator.model.ModelRequest.CallContext;
import dev.spectra.orchestrator.model.ModelSpec;
import dev.spectra.orchestrator.reliability.AttemptListener;
import java.util.ArrayList;
import java.util.List;

/**
 * Records what the cascade and the gateway tell their listeners as typed {@link Event}s, in order, like OkHttp's
 * {@code RecordingEventListener}: one recorder for every test that asserts the log. Thread-safe: the gateway reports
 * from its request threads.
 */
public final class RecordingListener implements AttemptListener, Gateway.Listener {
  /** What a listener was told. */
  public sealed interface Event {
    record AttemptStarted(CallContext context, String route, ModelSpec model) implements Event {}

    record AttemptEnded(Ended ended) implements Event {}

    record BreakerChanged(String endpoint, String from, String to) implements Event {}

    /** A call the gateway finished (answered, refused or broken off). */
    record CallFinished(Gateway.Call call) implements Event {}
  }

  private final List<Event> log = new ArrayList<>();

  @Override public synchronized void attemptStarted(CallContext context, String route, ModelSpec model) {
    log.add(new Event.AttemptStarted(context, route, model));
  }

  @Override public synchronized void attemptEnded(Ended e) {
    log.add(new Event.AttemptEnded(e));
  }

  @Override public synchronized void breakerChanged(String endpoint, String from, String to) {
    log.add(new Event.BreakerChanged(endpoint, from, to));
  }

  @Override public synchronized void finished(Gateway.Call call) {
    log.add(new Event.CallFinished(call));
  }

  /** {@return every event, typed, in order} */
  public synchronized List<Event> log() { return List.copyOf(log); }

  /** {@return "model:outcome:decision" per ended attempt and "breaker from->to" per change, in order} */
  public synchronized List<String> events() {
    List<String> lines = new ArrayList<>();
    for (Event event : log) {
      switch (event) {
        case Event.AttemptStarted s -> { }   // paired with its end; the end carries the outcome
        case Event.AttemptEnded a -> {
          Ended e = a.ended();
          lines.add(e.spec().name() + ":" + (e.attempt().error() == null ? "ok" : e.attempt().error().type()) + ":"
              + e.decision());
        }
        case Event.BreakerChanged b -> lines.add("breaker " + b.from() + "->" + b.to());
        case Event.CallFinished c -> { }   // the gateway's calls: see snapshot()
      }
    }
    return lines;
  }

  /** {@return the ended attempts, in order} */
  public synchronized List<Ended> ended() {
    return log.stream().filter(e -> e instanceof Event.AttemptEnded)
        .map(e -> ((Event.AttemptEnded) e).ended()).toList();
  }

  /** {@return the calls the gateway finished so far, in order} */
  public synchronized List<Gateway.Call> snapshot() {
    return log.stream().filter(e -> e instanceof Event.CallFinished)
        .map(e -> ((Event.CallFinished) e).call()).toList();
  }
}

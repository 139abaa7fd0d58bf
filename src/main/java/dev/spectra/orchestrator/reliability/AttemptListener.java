package dev.spectra.orchestrator.reliability;

import dev.spectra.orchestrator.model.Attempt;
import dev.spectra.orchestrator.model.ModelRequest.CallContext;
import dev.spectra.orchestrator.model.ModelSpec;
import java.util.List;

/**
 * Observes the cascade the way OkHttp's {@code EventListener} observes a call: paired attempt events carrying the
 * retry/escalation decision, and breaker transitions. The ledger is one of these, not an interceptor; so are
 * progress lines and test recorders. Called on the calling thread: implementations must be quick and thread-safe.
 */
public interface AttemptListener {
  AttemptListener NONE = ended -> {};

  /** A route is about to be called. */
  default void attemptStarted(CallContext context, String route, ModelSpec model) {}

  /** An attempt ended, with what the cascade decided next. */
  void attemptEnded(Ended ended);

  /** A circuit breaker changed state. */
  default void breakerChanged(String endpoint, String from, String to) {}

  /**
   * One finished attempt.
   *
   * @param context ids of the call; {@code requestId} is always set
   * @param requestedAs the name the caller used (a policy or a catalog model)
   * @param tier 0 for the first route, 1 for the first fallback, ...
   * @param spec the model called
   * @param servedModelId what the server said it ran, or {@code null}
   * @param decision {@code served}, {@code retry}, {@code next-route}, {@code larger-window} or {@code give-up}
   * @param catalogVersion version of the price catalog used for {@code attempt.cost()}
   */
  record Ended(CallContext context, String requestedAs, int tier, ModelSpec spec, Attempt attempt,
      String servedModelId, String decision, String catalogVersion) {}

  /** {@return a listener that tells each of {@code listeners} in order} */
  static AttemptListener all(List<AttemptListener> listeners) {
    List<AttemptListener> copy = List.copyOf(listeners);
    return new AttemptListener() {
      @Override public void attemptStarted(CallContext context, String route, ModelSpec model) {
        for (AttemptListener l : copy) l.attemptStarted(context, route, model);
      }

      @Override public void attemptEnded(Ended ended) {
        for (AttemptListener l : copy) l.attemptEnded(ended);
      }

      @Override public void breakerChanged(String endpoint, String from, String to) {
        for (AttemptListener l : copy) l.breakerChanged(endpoint, from, to);
      }
    };
  }
}

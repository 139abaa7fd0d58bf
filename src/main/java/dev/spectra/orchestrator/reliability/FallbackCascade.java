package dev.spectra.orchestrator.reliability;

import dev.spectra.orchestrator.model.ModelError;
import dev.spectra.orchestrator.model.ModelException;
import dev.spectra.orchestrator.model.ModelReply;
import java.util.ArrayList;
import java.util.List;

/**
 * Tries the planned routes in order, like OkHttp's {@code SequentialExchangeFinder}: one {@link Retry} run per
 * route. It does not judge errors: the {@link RouteOutcome} that Retry returns says whether another route may
 * help, and this follows that decision within the escalation caps.
 */
final class FallbackCascade implements Interceptor {
  private final CascadeSettings.Caps caps;
  private final Retry retry;

  FallbackCascade(CascadeSettings.Caps caps, Retry retry) {
    this.caps = caps;
    this.retry = retry;
  }

  /** Where the cascade goes after a route failed: decided from the retry decision and the caps, in one place. */
  sealed interface Fallback {
    /** Try the route at {@code index} of the plan. */
    record Escalate(int index) implements Fallback {}
    /** Stop and throw {@code error}. */
    record Stop(ModelException error) implements Fallback {}
  }

  @Override public ModelReply intercept(Chain chain) throws ModelException {
    ChainCall call = chain.exchange();
    CallState state = call.state();
    List<Route> routes = state.routes;
    List<ModelException> failures = new ArrayList<>();
    int escalations = 0;
    int i = Math.min(state.startTier, routes.size() - 1);
    while (true) {
      switch (retry.attempt(chain, call.withRoute(routes.get(i)))) {
        case RouteOutcome.Served served -> {
          return served.reply();
        }
        case RouteOutcome.Failed failed -> {
          failures.add(failed.error());
          switch (next(state, routes, i, failed.decision(), failures, escalations)) {
            case Fallback.Escalate escalate -> {
              escalations++;
              i = escalate.index();
            }
            case Fallback.Stop stop -> throw withEarlierFailures(stop.error(), failures);
          }
        }
      }
    }
  }

  /** The ladder of reasons to stop, each with why; otherwise the next route to try. */
  private Fallback next(CallState state, List<Route> routes, int i, Decision decision, List<ModelException> failures,
      int escalations) {
    ModelException last = failures.get(failures.size() - 1);
    int next = switch (decision) {
      case Decision.GiveUp g -> -1;
      case Decision.LargerWindow l -> largerWindow(routes, i);
      // Retry waited on this route as long as it was allowed to; the next route may still answer.
      case Decision.Backoff b -> i + 1;
      case Decision.RetryAfter r -> i + 1;
      case Decision.NextRoute n -> i + 1;
    };
    // No route left that could help. A budget stop is what the user must act on: report it even if a later route
    // failed differently.
    if (next < 0 || next >= routes.size()) return new Fallback.Stop(firstBudgetStop(failures).orElse(last));
    // One request may not walk the whole catalog.
    if (escalations >= caps.perRequest()) return new Fallback.Stop(capReached(last, "request", caps.perRequest()));
    // Nor may one build, across its requests.
    if (state.session != null && !state.session.tryEscalate()) {
      return new Fallback.Stop(capReached(last, "build", caps.perBuild()));
    }
    return new Fallback.Escalate(next);
  }

  private static java.util.Optional<ModelException> firstBudgetStop(List<ModelException> failures) {
    return failures.stream().filter(f -> f.error() instanceof ModelError.BudgetExhausted).findFirst();
  }

  /** Keeps what every other route failed with on the error thrown, like OkHttp's route planner does. */
  private static ModelException withEarlierFailures(ModelException thrown, List<ModelException> failures) {
    for (ModelException f : failures) {
      if (f != thrown && f != thrown.getCause()) thrown.addSuppressed(f);
    }
    return thrown;
  }

  /** The first later route whose window is larger than the failing one's, or -1. */
  private static int largerWindow(List<Route> routes, int from) {
    int window = routes.get(from).spec().contextWindow();
    for (int j = from + 1; j < routes.size(); j++) {
      if (routes.get(j).spec().contextWindow() > window) return j;
    }
    return -1;
  }

  private static ModelException capReached(ModelException last, String scope, int cap) {
    // Keep the real error as the reason; the cap only explains why we stopped escalating.
    return new ModelException(last.error(), last.attempts(),
        new Exception("escalation cap per " + scope + " (" + cap + ") reached; raise routing.max-escalations-per-"
            + scope));
  }
}

package dev.spectra.orchestrator.reliability;

import dev.spectra.orchestrator.model.ModelError;
import dev.spectra.orchestrator.model.ModelException;
import dev.spectra.orchestrator.model.ModelReply;
import java.util.List;

/**
 * Tries the planned routes in order, like OkHttp's {@code SequentialExchangeFinder}: one {@code proceed} per route.
 * It does not judge errors: {@link Retry} below decided whether another route may help, and this follows that
 * decision within the escalation caps.
 */
final class FallbackCascade implements Interceptor {
  private final CascadeSettings.Caps caps;

  FallbackCascade(CascadeSettings.Caps caps) { this.caps = caps; }

  @Override public ModelReply intercept(Chain chain) throws ModelException {
    ChainCall exchange = chain.exchange();
    CallState state = exchange.state();
    List<Route> routes = state.routes;
    ModelException budgetStop = null;
    ModelException last = null;
    int escalations = 0;
    int i = Math.min(state.startTier, routes.size() - 1);
    while (true) {
      Route route = routes.get(i);
      try {
        return chain.proceed(exchange.withRoute(route));
      } catch (ModelException e) {
        last = e;
        // A budget stop is what the user must act on: report it even if a later route fails differently.
        if (e.error() instanceof ModelError.BudgetExhausted && budgetStop == null) budgetStop = e;
        Decision decision = state.takeDecision();
        int next = switch (decision) {
          case Decision.GiveUp g -> -1;
          case Decision.LargerWindow l -> largerWindow(routes, i);
          default -> i + 1;
        };
        // No route left that could help.
        if (next < 0 || next >= routes.size()) throw budgetStop != null ? budgetStop : last;
        // One request may not walk the whole catalog.
        if (escalations >= caps.perRequest()) throw capReached(last, "request", caps.perRequest());
        // Nor may one build, across its requests.
        if (state.session != null && !state.session.tryEscalate()) throw capReached(last, "build", caps.perBuild());
        escalations++;
        i = next;
      }
    }
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
        new Exception("escalation cap per " + scope + " (" + cap + ") reached; raise cascade.max-escalations-per-"
            + scope));
  }
}

package dev.spectra.orchestrator.codegen;

import dev.spectra.orchestrator.model.Model;
import dev.spectra.orchestrator.model.ModelError;
import dev.spectra.orchestrator.model.ModelException;
import dev.spectra.orchestrator.model.ModelReply;
import dev.spectra.orchestrator.model.ModelRequest;
import dev.spectra.orchestrator.model.Money;
import dev.spectra.orchestrator.model.TokenListener;
import java.util.ArrayList;
import java.util.List;

/**
 * The model side of one build when no cascade is configured: routes in order (the chosen model, then the
 * fallback), the next route on a failure to reach or to answer validly, escalation on an artifact failure, and a
 * per-build budget checked before each call.
 */
final class RouteSession implements Model {
  private final List<Model> routes;
  private final Money budget;
  private int start;
  private Money spent = Money.ZERO;

  RouteSession(List<Model> routes, Money budget) {
    if (routes.isEmpty()) throw new IllegalArgumentException("a session needs at least one route");
    this.routes = List.copyOf(routes);
    this.budget = budget;
  }

  @Override public String name() {
    return routes.get(start).name();
  }

  @Override public ModelReply chat(ModelRequest request, TokenListener listener) throws ModelException {
    // Free local calls never hit the budget; a paid build stops once it has spent its budget.
    if (budget != null && !spent.isZero() && spent.compareTo(budget) >= 0) {
      throw new ModelException(new ModelError.BudgetExhausted("build", spent, budget, "raise it with --budget"));
    }
    List<ModelException> failures = new ArrayList<>();
    for (int i = start; i < routes.size(); i++) {
      try {
        ModelReply reply = routes.get(i).chat(request, listener);
        // An answer already paid for is kept even when it crosses the budget; the next call stops.
        if (reply.cost() != null) spent = spent.plus(reply.cost());
        return reply;
      } catch (ModelException e) {
        failures.add(e);
        // Only failures another route can fix move on; a budget stop ends the call.
        if (e.error() instanceof ModelError.BudgetExhausted) throw e;
      }
    }
    throw failures.getFirst();
  }

  /** {@return false when no route is left to escalate to} */
  boolean escalate(ModelError.ArtifactFailed failure) {
    if (start + 1 >= routes.size()) return false;
    start++;
    return true;
  }
}

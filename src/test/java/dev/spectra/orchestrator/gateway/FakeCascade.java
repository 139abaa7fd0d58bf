package dev.spectra.orchestrator.gateway;

import dev.spectra.orchestrator.model.Attempt;
import dev.spectra.orchestrator.model.Model;
import dev.spectra.orchestrator.model.ModelException;
import dev.spectra.orchestrator.model.ModelReply;
import dev.spectra.orchestrator.model.ModelRequest;
import dev.spectra.orchestrator.model.TokenListener;
import dev.spectra.orchestrator.model.Usage;
import java.util.ArrayList;
import java.util.List;

/**
 * Tries routes in order with the cascade's streaming rule: fall back only while no token reached the listener.
 * Keeps every attempt on the reply, as the real cascade does.
 */
final class FakeCascade implements Model {
  private final String name;
  private final List<Model> routes;

  FakeCascade(String name, Model... routes) {
    this.name = name;
    this.routes = List.of(routes);
  }

  @Override public String name() { return name; }

  @Override public ModelReply chat(ModelRequest request, TokenListener listener) throws ModelException {
    List<Attempt> attempts = new ArrayList<>();
    ModelException last = null;
    for (Model route : routes) {
      boolean[] emitted = {false};
      try {
        ModelReply r = route.chat(request, delta -> {
          emitted[0] = true;
          listener.onToken(delta);
        });
        attempts.addAll(r.attempts());
        // Like the real cascade: usage summed over every attempt, cost priced by the models that ran.
        Usage total = Usage.ZERO;
        for (Attempt a : attempts) total = total.plus(a.usage());
        return r.withAccounting(total, r.cost(), r.saved(), attempts);
      } catch (ModelException e) {
        attempts.addAll(e.attempts());
        last = new ModelException(e.error(), attempts, e);
        if (emitted[0]) throw last;
      }
    }
    throw last;
  }
}

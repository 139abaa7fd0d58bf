package dev.spectra.orchestrator.run;

import dev.spectra.orchestrator.model.FinishReason;
import dev.spectra.orchestrator.model.Model;
import dev.spectra.orchestrator.model.ModelError;
import dev.spectra.orchestrator.model.ModelException;
import dev.spectra.orchestrator.model.ModelReply;
import dev.spectra.orchestrator.model.ModelRequest;
import dev.spectra.orchestrator.model.Money;
import dev.spectra.orchestrator.model.TokenListener;
import dev.spectra.orchestrator.model.Usage;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A cascade session in miniature: routes in order, each with scripted replies (text, or an error), escalation to
 * the next route, every request recorded. Usage is one token per four characters, like an estimate.
 */
final class FakeCascadeSession implements Model {
  final Map<String, Deque<Object>> scripts = new LinkedHashMap<>();
  final List<String> routes;
  final List<Call> calls = new ArrayList<>();
  final List<ModelError.ArtifactFailed> escalations = new ArrayList<>();
  int route;

  record Call(String route, ModelRequest request) {}

  FakeCascadeSession(String... routes) {
    this.routes = List.of(routes);
    for (String r : routes) scripts.put(r, new ArrayDeque<>());
  }

  FakeCascadeSession enqueue(String route, Object... replies) {
    for (Object r : replies) scripts.get(route).add(r);
    return this;
  }

  @Override public String name() {
    return "fake-cascade";
  }

  @Override public ModelReply chat(ModelRequest request, TokenListener listener) throws ModelException {
    String current = routes.get(route);
    calls.add(new Call(current, request));
    Object next = scripts.get(current).poll();
    // If this happens, the test scripted too few replies: the pipeline made more calls than it should.
    if (next == null) throw new AssertionError("unexpected call #" + calls.size() + " to " + current + " for "
        + request.context().step());
    if (next instanceof ModelError error) throw new ModelException(error);
    String text = (String) next;
    listener.onToken(text);
    int in = request.promptText().length() / 4;
    int out = text.length() / 4;
    return new ModelReply(text, null, new Usage(in, out, true), FinishReason.STOP, current, current,
        Duration.ZERO, Duration.ZERO, current.startsWith("cloud") ? Money.usd("0.001") : Money.ZERO, Money.ZERO,
        List.of());
  }

  Ports.Escalator escalator() {
    return failure -> {
      escalations.add(failure);
      if (route + 1 >= routes.size()) return false;
      route++;
      return true;
    };
  }

  List<String> steps() {
    return calls.stream().map(c -> c.request().context().step()).toList();
  }
}

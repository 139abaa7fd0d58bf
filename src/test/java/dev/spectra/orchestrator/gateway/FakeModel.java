package dev.spectra.orchestrator.gateway;

import dev.spectra.orchestrator.model.Attempt;
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
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;

/** A scripted model: each call takes the next step (the last one repeats). Records every request. */
final class FakeModel implements Model {

  @FunctionalInterface
  interface Step {
    ModelReply run(ModelRequest request, TokenListener listener) throws ModelException;
  }

  private final String name;
  private final Deque<Step> steps = new ArrayDeque<>();
  private Step last;
  final List<ModelRequest> requests = Collections.synchronizedList(new ArrayList<>());

  FakeModel(String name, Step... script) {
    this.name = name;
    for (Step s : script) steps.add(s);
  }

  FakeModel then(Step s) {
    steps.add(s);
    return this;
  }

  @Override public String name() { return name; }

  @Override public ModelReply chat(ModelRequest request, TokenListener listener) throws ModelException {
    requests.add(request);
    Step s;
    synchronized (steps) {
      s = steps.isEmpty() ? last : steps.poll();
      last = s;
    }
    if (s == null) throw new AssertionError("unreachable! FakeModel " + name + " has no script");
    return s.run(request, listener);
  }

  /** Streams {@code text} word by word when asked to stream, then returns it. */
  static Step text(String servedBy, String text) {
    return (req, l) -> {
      if (req.stream()) for (String piece : pieces(text)) l.onToken(piece);
      return reply(servedBy, text, null, new Usage(12, 5, false), Money.usd("0.000123"), Money.usd("0.000456"));
    };
  }

  static Step fail(ModelError error) {
    return (req, l) -> {
      throw new ModelException(error, List.of(attempt("m", error)), null);
    };
  }

  static List<String> pieces(String text) {
    List<String> out = new ArrayList<>();
    int start = 0;
    for (int i = 1; i <= text.length(); i++) {
      if (i == text.length() || text.charAt(i) == ' ') {
        out.add(text.substring(start, i));
        start = i;
      }
    }
    return out;
  }

  static ModelReply reply(String servedBy, String text, com.fasterxml.jackson.databind.JsonNode json, Usage usage,
      Money cost, Money saved) {
    Attempt a = new Attempt(servedBy, servedBy, Instant.EPOCH, usage, Duration.ofMillis(1), Duration.ofMillis(2), null,
        null, List.of(), 0, cost, saved);
    return new ModelReply(text, json, usage, FinishReason.STOP, servedBy, servedBy, Duration.ofMillis(1),
        Duration.ofMillis(2), cost, saved, List.of(a));
  }

  static Attempt attempt(String model, ModelError error) {
    return new Attempt(model, model, Instant.EPOCH, new Usage(3, 0, false), null, Duration.ofMillis(1), error, null,
        List.of(), 0, Money.ZERO, Money.ZERO);
  }
}

package dev.spectra.orchestrator.reliability;

import dev.spectra.orchestrator.model.FinishReason;
import dev.spectra.orchestrator.model.Model;
import dev.spectra.orchestrator.model.ModelError;
import dev.spectra.orchestrator.model.ModelException;
import dev.spectra.orchestrator.model.ModelReply;
import dev.spectra.orchestrator.model.ModelRequest;
import dev.spectra.orchestrator.model.TokenListener;
import dev.spectra.orchestrator.model.Usage;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/** A provider with a scripted queue of replies and errors; when the queue is empty it answers "ok". */
final class FakeModel implements Model {
  private final String name;
  private final Deque<Object> script = new ArrayDeque<>();
  private final List<ModelRequest> requests = new ArrayList<>();
  private Usage usage = new Usage(100, 50, false);

  FakeModel(String name) { this.name = name; }

  @Override public String name() { return name; }

  /** Queues text replies, {@link ModelError}s, or {@link Streamed} (tokens then an error). */
  synchronized FakeModel then(Object... steps) {
    for (Object s : steps) script.addLast(s);
    return this;
  }

  synchronized FakeModel usage(Usage u) {
    this.usage = u;
    return this;
  }

  /** Streams {@code tokens} to the listener, then fails with {@code error}. */
  record Streamed(List<String> tokens, ModelError error) {}

  @Override public ModelReply chat(ModelRequest request, TokenListener listener) throws ModelException {
    Object step;
    synchronized (this) {
      requests.add(request);
      step = script.isEmpty() ? "ok" : script.removeFirst();
    }
    if (step instanceof ModelError e) throw new ModelException(e);
    if (step instanceof Streamed s) {
      for (String t : s.tokens()) listener.onToken(t);
      throw new ModelException(s.error());
    }
    String text = (String) step;
    if (request.stream()) listener.onToken(text);
    return new ModelReply(text, null, usage, FinishReason.STOP, name, name + "-id", Duration.ofMillis(1),
        Duration.ofMillis(2), null, null, List.of());
  }

  synchronized List<ModelRequest> requests() { return List.copyOf(requests); }

  synchronized int calls() { return requests.size(); }
}

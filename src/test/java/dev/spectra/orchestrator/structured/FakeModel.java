package dev.spectra.orchestrator.structured;

import dev.spectra.orchestrator.model.FinishReason;
import dev.spectra.orchestrator.model.Model;
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
import java.util.List;

/** Answers with scripted replies in order and records every request it got. */
final class FakeModel implements Model {
  record Scripted(String text, FinishReason finish) {}

  private final Deque<Scripted> script = new ArrayDeque<>();
  final List<ModelRequest> requests = new ArrayList<>();

  FakeModel reply(String text) {
    script.add(new Scripted(text, FinishReason.STOP));
    return this;
  }

  FakeModel replyCutOff(String text) {
    script.add(new Scripted(text, FinishReason.LENGTH));
    return this;
  }

  FakeModel replyFiltered(String text) {
    script.add(new Scripted(text, FinishReason.CONTENT_FILTER));
    return this;
  }

  @Override public String name() {
    return "fake";
  }

  @Override public ModelReply chat(ModelRequest request, TokenListener listener) throws ModelException {
    requests.add(request);
    // If this fails, the engine made more calls than the test scripted.
    if (script.isEmpty()) throw new AssertionError("unreachable: no scripted reply left");
    Scripted s = script.removeFirst();
    return new ModelReply(s.text(), null, new Usage(10, 5, false), s.finish(), "fake", "fake-1", Duration.ZERO,
        Duration.ofMillis(1), Money.usd("0.001"), Money.ZERO, List.of());
  }
}

package dev.spectra.orchestrator.eval;

import dev.spectra.orchestrator.model.Attempt;
import dev.spectra.orchestrator.model.Model;
import dev.spectra.orchestrator.model.ModelException;
import dev.spectra.orchestrator.model.ModelReply;
import dev.spectra.orchestrator.model.ModelRequest;
import dev.spectra.orchestrator.model.TokenListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Wraps a subject's model for one sample and keeps every attempt of every call the pipeline makes, successful or
 * not, so the sample's metrics come from what really happened rather than from the pipeline's summary.
 */
final class RecordingModel implements Model {
  private final Model delegate;
  private final List<Attempt> attempts = new ArrayList<>();
  private final List<ModelReply> replies = new ArrayList<>();
  private Duration firstTtft;

  RecordingModel(Model delegate) {
    this.delegate = delegate;
  }

  @Override public String name() {
    return delegate.name();
  }

  @Override public ModelReply chat(ModelRequest request, TokenListener listener) throws ModelException {
    try {
      ModelReply reply = delegate.chat(request, listener);
      synchronized (this) {
        replies.add(reply);
        if (reply.attempts().isEmpty()) {
          // A bare provider reports no attempts: record the call itself as one.
          attempts.add(new Attempt(reply.servedBy(), reply.servedBy(), null, reply.usage(), reply.timeToFirstToken(),
              reply.latency(), null, reply.json() == null ? Attempt.JsonStage.NOT_REQUESTED : Attempt.JsonStage.RAW_VALID,
              List.of(), 0, reply.cost(), reply.saved()));
        } else {
          attempts.addAll(reply.attempts());
        }
        if (firstTtft == null) firstTtft = reply.attempts().isEmpty() ? reply.timeToFirstToken()
            : reply.attempts().get(0).timeToFirstToken();
      }
      return reply;
    } catch (ModelException e) {
      synchronized (this) {
        attempts.addAll(e.attempts());
      }
      throw e;
    }
  }

  synchronized List<Attempt> attempts() {
    return List.copyOf(attempts);
  }

  synchronized List<ModelReply> replies() {
    return List.copyOf(replies);
  }

  synchronized Duration firstTimeToFirstToken() {
    return firstTtft;
  }
}

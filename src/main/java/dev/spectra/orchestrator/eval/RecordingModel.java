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
  private final String buildId;
  private final String requestId;

  RecordingModel(Model delegate) {
    this(delegate, null, null);
  }

  /**
   * @param buildId stamped on every call that carries none: the eval run's id, so the ledger files the call under
   *     the run
   * @param requestId stamped on every call that carries none: run, task and repeat, so each call names its sample
   */
  RecordingModel(Model delegate, String buildId, String requestId) {
    this.delegate = delegate;
    this.buildId = buildId;
    this.requestId = requestId;
  }

  @Override public String name() {
    return delegate.name();
  }

  @Override public ModelReply chat(ModelRequest request, TokenListener listener) throws ModelException {
    ModelRequest.CallContext c = request.context();
    if (buildId != null && (c.buildId() == null || c.requestId() == null)) {
      request = request.withContext(new ModelRequest.CallContext(c.requestId() == null ? requestId : c.requestId(),
          c.buildId() == null ? buildId : c.buildId(), c.step(), c.apiKeyId()));
    }
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

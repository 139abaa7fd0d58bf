package dev.spectra.orchestrator.gateway;

import dev.spectra.orchestrator.model.ModelReply;
import io.javalin.http.Context;
import java.time.Duration;

/**
 * Counts every request in the metrics and tells the listener (the access log) about every request that reached a
 * model. Metrics count the status the client actually got: a stream that failed after it began was a 200 with an
 * error event, not a 502.
 */
final class Accounting {
  private final GatewayMetrics metrics;
  private final Gateway.Listener listener;
  private final Replies replies;

  Accounting(GatewayMetrics metrics, Gateway.Listener listener, Replies replies) {
    this.metrics = metrics;
    this.listener = listener;
    this.replies = replies;
  }

  /** A refusal before any model ran: counted under model {@code unknown}, answered, not in the ledger. */
  void reject(Context ctx, GatewayError error) {
    metrics.request("unknown", error.status());
    metrics.failure(error.code());
    replies.send(ctx, error, null);
  }

  /** A bug: counted, answered with a one-liner. */
  void internal(Context ctx, Exception e) {
    metrics.failure("internal_error");
    if (!ctx.res().isCommitted()) {
      replies.send(ctx, GatewayError.internal("internal gateway error: " + e.getClass().getSimpleName()), null);
    }
  }

  void served(ChatRequestReader.ChatCall call, String requestId, String keyId, long t0, ModelReply reply,
      CompletionWriter.Accounting acc, int status, String errorCode, boolean clientGone, String detail) {
    Duration elapsed = Duration.ofNanos(System.nanoTime() - t0);
    metrics.served(call.model(), reply.servedBy(), reply.attempts(), reply.usage(), reply.cost(), reply.saved(),
        elapsed);
    record(call, requestId, keyId, t0, reply.servedBy(), status, errorCode, acc, clientGone, detail);
  }

  /** A failure after the model was resolved: answered (when nothing was sent yet) and recorded. */
  void failed(Context ctx, ChatRequestReader.ChatCall call, String requestId, String keyId, long t0,
      GatewayError error, CompletionWriter.Accounting acc) {
    record(call, requestId, keyId, t0, acc.servedModel(), error.status(), error.code(), acc, false,
        replies.forLog(error));
    replies.send(ctx, error, acc);
  }

  void record(ChatRequestReader.ChatCall call, String requestId, String keyId, long t0, String served, int status,
      String errorCode, CompletionWriter.Accounting acc, boolean clientGone, String detail) {
    Duration elapsed = Duration.ofNanos(System.nanoTime() - t0);
    metrics.request(call.model(), status);
    if (errorCode != null) metrics.failure(errorCode);
    if (clientGone && !"client_disconnected".equals(errorCode)) metrics.failure("client_disconnected");
    listener.finished(new Gateway.Call(requestId, keyId, call.model(), served, status, errorCode, acc.usage(),
        acc.cost(), acc.attempts(), elapsed, call.stream(), clientGone, detail, acc.guesses()));
  }
}

package dev.spectra.orchestrator.model.provider;

import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Hands response body chunks from the client's threads to the calling thread, so the caller can wait for each
 * with its own deadline. Completing {@link #getBody()} at once makes the response future complete as soon as
 * the headers arrive.
 */
final class BodyQueue implements HttpResponse.BodySubscriber<BodyQueue> {
  /** Marks the end of the body. */
  static final Object END = new Object();

  private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
  private volatile Flow.Subscription subscription;
  private volatile boolean cancelled;

  @Override public CompletionStage<BodyQueue> getBody() { return CompletableFuture.completedFuture(this); }

  @Override public void onSubscribe(Flow.Subscription s) {
    subscription = s;
    if (cancelled) {
      s.cancel();
      return;
    }
    // Model replies are small; unbounded demand avoids a round trip per chunk.
    s.request(Long.MAX_VALUE);
  }

  @Override public void onNext(List<ByteBuffer> item) { queue.add(item); }

  @Override public void onError(Throwable throwable) { queue.add(throwable); }

  @Override public void onComplete() { queue.add(END); }

  /** {@return a {@code List<ByteBuffer>}, {@link #END}, a {@code Throwable}, or null when the wait ran out} */
  Object poll(long nanos) throws InterruptedException {
    return nanos <= 0 ? queue.poll() : queue.poll(nanos, TimeUnit.NANOSECONDS);
  }

  void cancel() {
    cancelled = true;
    Flow.Subscription s = subscription;
    if (s != null) s.cancel();
  }
}

package dev.spectra.orchestrator.model.provider;

import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Hands a streamed response from the client's threads to the calling thread, which waits for each item with its own
 * deadline. Everything travels through one queue (body chunks, the end, a failure before the headers), so a call
 * costs as few thread wake-ups as possible: in {@code whole} mode the body is handed over once, at its end, and
 * the first byte is only time-stamped, which is what keeps the provider layer's overhead per call small.
 *
 * <p>While the caller itself waits inside {@code HttpClient.send} (see {@link Exchange#send}), the queue knows that
 * thread, and the {@link DeadlineWatch} ends that wait by interrupting it, once, through a small state machine:
 * whichever of the caller and the watch moves first decides, so an interrupt never lands after the caller has left.
 */
final class BodyQueue implements HttpResponse.BodySubscriber<BodyQueue> {
  /** Marks the end of the body. */
  static final Object END = new Object();

  /** Put in by the {@link DeadlineWatch}: the reader's deadline has passed. */
  static final Object DUE = new Object();

  /** A failure before any response: connect refused, TLS, connection closed early. */
  record Early(Throwable cause) {}

  /** A whole body and its end in one item, so the waiting thread wakes once. */
  record Whole(List<ByteBuffer> chunks) {}

  private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
  private final boolean whole;
  private List<ByteBuffer> held;
  private volatile HttpResponse.ResponseInfo info;
  private volatile long firstByteAt = -1;
  private volatile Flow.Subscription subscription;
  private volatile boolean cancelled;
  /** The body ended (complete or failed) through the subscriber. */
  private volatile boolean terminated;
  private volatile long firstDeadline;
  private volatile long totalDeadline;
  private final java.util.concurrent.atomic.AtomicBoolean dueSent = new java.util.concurrent.atomic.AtomicBoolean();

  private static final int IDLE = 0;
  private static final int SENDING = 1;
  private static final int SENT = 2;
  private static final int INTERRUPTING = 3;
  private static final int INTERRUPTED = 4;
  private final java.util.concurrent.atomic.AtomicInteger sendState = new java.util.concurrent.atomic.AtomicInteger(IDLE);
  private volatile Thread sender;

  BodyQueue(boolean whole) {
    this.whole = whole;
  }

  /** The body handler: remembers status and headers, then subscribes this queue to the body. */
  HttpResponse.BodySubscriber<BodyQueue> handle(HttpResponse.ResponseInfo responseInfo) {
    this.info = responseInfo;
    return this;
  }

  HttpResponse.ResponseInfo info() { return info; }

  /** {@return {@code System.nanoTime()} of the first body byte, or -1} */
  long firstByteAt() { return firstByteAt; }

  void failEarly(Throwable t) { queue.add(new Early(t)); }

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

  @Override public void onNext(List<ByteBuffer> item) {
    if (firstByteAt < 0) {
      for (ByteBuffer b : item) {
        if (b.hasRemaining()) {
          firstByteAt = System.nanoTime();
          break;
        }
      }
    }
    if (whole) {
      if (held == null) held = new ArrayList<>(item.size() + 2);
      held.addAll(item);
    } else {
      queue.add(item);
    }
  }

  @Override public void onError(Throwable throwable) {
    terminated = true;
    if (whole && held != null) queue.add(held);
    queue.add(throwable);
  }

  /** The client reported a failure after the headers to the sender only: the reader gets it too, once. */
  void failLate(Throwable throwable) {
    if (!terminated) onError(throwable);
  }

  @Override public void onComplete() {
    terminated = true;
    if (whole) queue.add(new Whole(held == null ? List.of() : held));
    else queue.add(END);
  }

  /**
   * A whole body read by the JDK's own subscriber (see {@link Exchange#send}) has begun: status and headers are
   * known, and the body, which the deadlines no longer tell from its first byte, is on its way.
   */
  void begun(HttpResponse.ResponseInfo responseInfo) {
    this.info = responseInfo;
    if (firstByteAt < 0) firstByteAt = System.nanoTime();
  }

  /** The calling thread is about to wait inside {@code HttpClient.send}: the watch may interrupt it from now on. */
  void sending(Thread thread) {
    sender = thread;
    sendState.set(SENDING);
  }

  /**
   * The calling thread has left {@code send}. {@return false when the watch got there first: the deadline passed and
   * the thread was interrupted, which is now cleared}
   */
  boolean sent() {
    if (sendState.compareAndSet(SENDING, SENT)) {
      sender = null;
      return true;
    }
    // The watch claimed the wait: let its interrupt land, then clear it, so it cannot hit a later wait.
    while (sendState.get() != INTERRUPTED) Thread.onSpinWait();
    Thread.interrupted();
    sender = null;
    return false;
  }

  /** The deadlines the {@link DeadlineWatch} holds the reader to: before the first body byte, and in all. */
  void deadlines(long first, long total) {
    this.firstDeadline = first;
    this.totalDeadline = total;
  }

  /** Puts {@link #DUE} in the queue, once, when the deadline that applies at {@code now} has passed. */
  void wakeIfDue(long now) {
    long deadline = firstByteAt < 0 ? firstDeadline : totalDeadline;
    if (now - deadline < 0) return;
    Thread waiting = sender;
    if (waiting != null && sendState.compareAndSet(SENDING, INTERRUPTING)) {
      // Interrupting a thread in HttpClient.send cancels the request there and makes send throw.
      waiting.interrupt();
      sendState.set(INTERRUPTED);
      return;
    }
    if (dueSent.compareAndSet(false, true)) queue.add(DUE);
  }

  /** The reader took {@link #DUE} but is not late after all (the first byte came meanwhile): watch on. */
  void rearm() { dueSent.set(false); }

  /** {@return the next item, waiting as long as it takes: the {@link DeadlineWatch} ends the wait with {@link #DUE}} */
  Object take() throws InterruptedException { return queue.take(); }

  /** {@return a {@code List<ByteBuffer>}, {@link #END}, an {@link Early}, a {@code Throwable}, or null when the wait ran out} */
  Object poll(long nanos) throws InterruptedException {
    return nanos <= 0 ? queue.poll() : queue.poll(nanos, TimeUnit.NANOSECONDS);
  }

  void cancel() {
    cancelled = true;
    Flow.Subscription s = subscription;
    if (s != null) s.cancel();
  }
}

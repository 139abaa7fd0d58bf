package dev.spectra.orchestrator.model.provider;

import dev.spectra.orchestrator.model.ModelError;
import dev.spectra.orchestrator.model.ModelError.Timeout;
import dev.spectra.orchestrator.model.ModelException;
import dev.spectra.orchestrator.model.Timeouts;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * One response being read: status and headers are here, the body arrives chunk by chunk. Reads wait at most
 * until the first-token deadline (before the first body byte) or the total deadline (after it).
 *
 * <p>Not thread-safe: one caller reads an exchange. Always {@link #close()} it.
 */
public final class Exchange implements AutoCloseable {
  private final BodyQueue body;
  /** The response of an asynchronous send, cancelled on close; null when the caller sent on its own thread. */
  private CompletableFuture<?> future;
  private final long start;
  private final long firstDeadline;
  private final long totalDeadline;
  private final Timeout.Phase firstPhase;
  private final Timeouts timeouts;
  private final String endpoint;
  private final DeadlineWatch watch;

  private static final byte[] NONE = new byte[0];
  /** Allocated on the first bytes: exactly a whole body's size, or 8 KiB and growing for a stream. */
  private byte[] buf = NONE;
  private int from;
  private int to;
  private boolean ended;

  Exchange(BodyQueue body, CompletableFuture<?> future, long start, Timeouts timeouts, String endpoint) {
    this(body, future, start, timeouts, endpoint, null);
  }

  /** @param watch wakes the reader at its deadlines, so it waits without a timer; null: each wait is timed */
  Exchange(BodyQueue body, CompletableFuture<?> future, long start, Timeouts timeouts, String endpoint,
      DeadlineWatch watch) {
    this.body = body;
    this.future = future;
    this.start = start;
    this.firstDeadline = start + Math.min(timeouts.firstToken().toNanos(), timeouts.total().toNanos());
    this.totalDeadline = start + timeouts.total().toNanos();
    this.firstPhase = timeouts.firstToken().compareTo(timeouts.total()) <= 0
        ? Timeout.Phase.FIRST_TOKEN : Timeout.Phase.TOTAL;
    this.timeouts = timeouts;
    this.endpoint = endpoint;
    body.deadlines(firstDeadline, totalDeadline);
    // A transport used after close() has no watch running: its exchanges time their own waits, as without one.
    this.watch = watch != null && watch.watch(body) ? watch : null;
  }

  /** {@return true when a {@link DeadlineWatch} holds this exchange to its deadlines} */
  boolean watched() { return watch != null; }

  /** The response of an asynchronous send: cancelled when the exchange closes before its end. */
  void sentAsync(CompletableFuture<?> response) { this.future = response; }

  /**
   * Sends {@code request} on the calling thread and waits for the response to begin, or for a {@code whole} body to
   * end. Two choices keep a short call's hand-overs between threads to the minimum, and they are most of what one
   * more hop costs (the minimal relay of {@code bench gateway} is the yardstick): {@code send} runs the exchange
   * inline where {@code sendAsync} schedules each step on the client's executor and completes through one more pool,
   * and a whole body goes to the JDK's own byte-array subscriber, which the client feeds on its selector thread,
   * where a subscriber of ours gets every chunk through the executor. Only for a {@link #watched} exchange: the watch
   * interrupts the wait at the deadline.
   */
  void send(HttpClient client, HttpRequest request, boolean whole, Function<Throwable, ModelError> early)
      throws ModelException {
    Throwable failure = null;
    byte[] bytes = null;
    boolean inTime;
    body.sending(Thread.currentThread());
    try {
      if (whole) {
        bytes = client.send(request, info -> {
          body.begun(info);
          return HttpResponse.BodySubscribers.ofByteArray();
        }).body();
      } else {
        client.send(request, body::handle);
      }
    } catch (InterruptedException | IOException | RuntimeException e) {
      failure = e;
    } finally {
      inTime = body.sent();
    }
    if (failure instanceof RuntimeException e) {
      // A request the client refuses outright (e.g. a bad header): not a model error, the caller's bug.
      close();
      throw e;
    }
    if (!inTime) {
      close();
      Timeout.Phase phase = body.firstByteAt() < 0 ? firstPhase : Timeout.Phase.TOTAL;
      throw new ModelException(new Timeout(phase,
          phase == Timeout.Phase.FIRST_TOKEN ? timeouts.firstToken() : timeouts.total(), endpoint));
    }
    if (failure instanceof InterruptedException) {
      // Somebody else wants this thread to stop (a cancelled build): keep the flag, and no answer.
      Thread.currentThread().interrupt();
      close();
      throw new ModelException(new ModelError.MalformedResponse("the call was interrupted before its answer came",
          endpoint));
    }
    if (failure != null && body.info() != null) {
      // The status came, then the body broke before send returned (the client may report a fast reset either way):
      // what arrived is partial, never a refused call.
      IOException broken = failure instanceof IOException io ? io : new IOException(failure);
      if (whole) {
        ended = true;
        close();
        pending = broken;
        return;
      }
      // The stream's reader gets the chunks that came, then the failure, as if it had broken while reading.
      body.failLate(broken);
      begin(early);
      return;
    }
    if (failure != null) {
      close();
      throw new ModelException(early.apply(failure));
    }
    if (whole) {
      buf = bytes;
      from = 0;
      to = bytes.length;
      ended = true;
      close();
      return;
    }
    begin(early);
  }

  /** Waits for the first item: the response has begun, or it failed before any answer. */
  void begin(Function<Throwable, ModelError> early) throws ModelException {
    try {
      fill();
    } catch (EarlyFailure e) {
      close();
      throw new ModelException(early.apply(e.getCause()));
    } catch (IOException e) {
      // The body broke right away; the first read by the caller reports it again through ended state.
      pending = e;
    }
  }

  private IOException pending;

  public int status() { return body.info().statusCode(); }

  public Optional<String> header(String name) { return body.info().headers().firstValue(name); }

  /** {@return from request sent to the first body byte, or null before it arrived} */
  public Duration timeToFirstByte() {
    long at = body.firstByteAt();
    return at < 0 ? null : Duration.ofNanos(at - start);
  }

  /** {@return time since the request was sent} */
  public Duration elapsed() { return Duration.ofNanos(System.nanoTime() - start); }

  /**
   * Reads the whole remaining body.
   *
   * @throws IOException when the connection broke before the end of the body
   * @throws ModelException on a first-token or total timeout
   */
  public byte[] readAll() throws IOException, ModelException {
    throwPending();
    while (!ended) fill();
    if (from == 0 && to == buf.length) {
      // A whole body fills its buffer exactly: hand it over instead of copying it.
      byte[] all = buf;
      buf = NONE;
      to = 0;
      return all;
    }
    byte[] all = Arrays.copyOfRange(buf, from, to);
    from = to;
    return all;
  }

  /** {@return the whole remaining body as text, for error messages; never throws, gives up at the deadline} */
  public String readErrorBody() {
    try {
      return new String(readAll(), StandardCharsets.UTF_8);
    } catch (IOException | ModelException e) {
      return new String(buf, from, to - from, StandardCharsets.UTF_8);
    }
  }

  /**
   * Reads one line (LF or CRLF terminated, terminator removed) for SSE and NDJSON.
   *
   * @return the line, or null at the end of the body
   * @throws IOException when the connection broke mid-body
   * @throws ModelException on a first-token or total timeout
   */
  public String readLine() throws IOException, ModelException {
    // Offset from {@code from} already scanned: fill() may compact the buffer and move {@code from}.
    int scanned = 0;
    while (true) {
      for (int i = from + scanned; i < to; i++) {
        if (buf[i] == '\n') {
          int end = i > from && buf[i - 1] == '\r' ? i - 1 : i;
          String line = new String(buf, from, end - from, StandardCharsets.UTF_8);
          from = i + 1;
          return line;
        }
      }
      scanned = to - from;
      throwPending();
      if (ended) {
        if (from == to) return null;
        String last = new String(buf, from, to - from, StandardCharsets.UTF_8);
        from = to;
        return last;
      }
      fill();
    }
  }

  private void throwPending() throws IOException {
    if (pending != null) {
      IOException e = pending;
      pending = null;
      throw e;
    }
  }

  /** A failure before any response; {@link #begin} maps it with the transport's rules. */
  private static final class EarlyFailure extends IOException {
    EarlyFailure(Throwable cause) { super(cause); }
  }

  /** Waits for the next item and takes it in. */
  private void fill() throws IOException, ModelException {
    Object item;
    while (true) {
      boolean beforeFirst = body.firstByteAt() < 0;
      long deadline = beforeFirst ? firstDeadline : totalDeadline;
      try {
        long left = deadline - System.nanoTime();
        item = watch == null || left <= 0 ? body.poll(left) : body.take();
        if (item == BodyQueue.DUE) {
          item = null;
          if (System.nanoTime() - (body.firstByteAt() < 0 ? firstDeadline : totalDeadline) < 0) {
            // Woken for the first-token deadline just as the first byte came: the total deadline applies now.
            body.rearm();
            continue;
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        close();
        throw new IOException("interrupted while reading from " + endpoint, e);
      }
      if (item != null) break;
      // The first byte may have arrived while we waited (whole bodies are only handed over at their end).
      if (beforeFirst && body.firstByteAt() >= 0 && System.nanoTime() < totalDeadline) continue;
      close();
      Timeout.Phase phase = body.firstByteAt() < 0 ? firstPhase : Timeout.Phase.TOTAL;
      Duration limit = phase == Timeout.Phase.FIRST_TOKEN ? timeouts.firstToken() : timeouts.total();
      throw new ModelException(new Timeout(phase, limit, endpoint));
    }
    if (item == BodyQueue.END) {
      ended = true;
      return;
    }
    if (item instanceof BodyQueue.Early early) throw new EarlyFailure(early.cause());
    if (item instanceof BodyQueue.Whole whole) {
      if (buf.length == 0) {
        int size = 0;
        for (ByteBuffer chunk : whole.chunks()) size += chunk.remaining();
        buf = new byte[size];
      }
      for (ByteBuffer chunk : whole.chunks()) append(chunk);
      ended = true;
      return;
    }
    if (item instanceof Throwable t) {
      ended = true;
      throw t instanceof IOException io ? io : new IOException(t.getMessage(), t);
    }
    @SuppressWarnings("unchecked") List<ByteBuffer> chunks = (List<ByteBuffer>) item;
    for (ByteBuffer chunk : chunks) append(chunk);
  }

  private void append(ByteBuffer chunk) {
    int n = chunk.remaining();
    if (n == 0) return;
    if (to + n > buf.length) {
      // Compact first; grow only when the unread part itself does not fit.
      int unread = to - from;
      if (unread + n > buf.length) {
        // A new array sized for the unread part plus the chunk: buffering proxies deliver tens of KB at once.
        byte[] grown = new byte[Math.max(buf.length == 0 ? 8192 : buf.length * 2, unread + n)];
        System.arraycopy(buf, from, grown, 0, unread);
        buf = grown;
      } else {
        System.arraycopy(buf, from, buf, 0, unread);
      }
      from = 0;
      to = unread;
    }
    chunk.get(buf, to, n);
    to += n;
  }

  /** Stops reading and releases the connection (cancels the body when it is not finished). */
  @Override public void close() {
    if (watch != null) watch.forget(body);
    if (!ended) {
      body.cancel();
      if (future != null) future.cancel(true);
    }
  }
}

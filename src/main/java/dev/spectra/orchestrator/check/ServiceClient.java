package dev.spectra.orchestrator.check;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends calls to one service with the JDK client. Every request has a timeout, redirects are never followed and a
 * request whose URI would leave the base URL's scheme, host and port is refused: the checker talks to that one
 * service only.
 */
final class ServiceClient implements AutoCloseable {
  /** Bodies past this size are cut: a finding needs the start of a body, and a huge one must not exhaust memory. */
  static final int MAX_BODY = 256 * 1024;
  /** Headers the JDK client sets itself and refuses from callers. */
  private static final Set<String> RESTRICTED = Set.of("content-length", "host", "connection", "expect", "upgrade");

  private final URI base;
  private final String baseText;
  private final Duration timeout;
  private final HttpClient client;
  private final AtomicInteger sent = new AtomicInteger();

  ServiceClient(URI base, Duration timeout) {
    String text = base.toString();
    this.baseText = text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
    this.base = URI.create(baseText);
    this.timeout = timeout;
    this.client = HttpClient.newBuilder()
        .followRedirects(HttpClient.Redirect.NEVER)
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(timeout)
        .build();
  }

  String baseUrl() {
    return baseText;
  }

  Duration timeout() {
    return timeout;
  }

  int requestsSent() {
    return sent.get();
  }

  Answer send(Call call) {
    return send(call, timeout);
  }

  /** Sends with its own deadline (the first request of a check may meet a cold service). */
  Answer send(Call call, Duration timeout) {
    URI uri;
    try {
      uri = URI.create(baseText + call.target());
    } catch (IllegalArgumentException e) {
      return new Answer.Failed(call, "not a valid request URI: " + e.getMessage());
    }
    // The path is appended to the base, so this holds by construction; checked anyway because it is the promise.
    if (!sameOrigin(uri)) return new Answer.Failed(call, "refused: " + uri + " is not on " + baseText);
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(timeout);
    for (var h : call.headers().entrySet()) {
      if (RESTRICTED.contains(h.getKey().toLowerCase())) continue;
      b.header(h.getKey(), h.getValue());
    }
    b.method(call.method(), call.body() == null ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofByteArray(call.body()));
    sent.incrementAndGet();
    // The deadline covers the whole answer, body included: a service that sends headers and then stalls has hung.
    var future = client.sendAsync(b.build(), info -> new CappedBody(MAX_BODY));
    try {
      HttpResponse<CappedBody.Bytes> r = future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return new Answer.Answered(call, r.statusCode(), r.headers().map(),
          new String(r.body().bytes(), StandardCharsets.UTF_8), r.body().truncated());
    } catch (TimeoutException e) {
      future.cancel(true);
      return new Answer.TimedOut(call, timeout);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      if (cause instanceof HttpTimeoutException) return new Answer.TimedOut(call, timeout);
      String m = cause.getMessage();
      return new Answer.Failed(call, cause.getClass().getSimpleName() + (m == null ? "" : ": " + m));
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      return new Answer.Failed(call, "interrupted");
    }
  }

  /** Collects a body up to a limit, then stops reading: the start of a body is enough for a finding. */
  private static final class CappedBody implements HttpResponse.BodySubscriber<CappedBody.Bytes> {
    record Bytes(byte[] bytes, boolean truncated) {}

    private final int limit;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final CompletableFuture<Bytes> result = new CompletableFuture<>();
    private Flow.Subscription subscription;

    CappedBody(int limit) {
      this.limit = limit;
    }

    @Override public CompletionStage<Bytes> getBody() {
      return result;
    }

    @Override public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      s.request(Long.MAX_VALUE);
    }

    @Override public void onNext(List<ByteBuffer> items) {
      if (result.isDone()) return;
      for (ByteBuffer b : items) {
        int n = Math.min(b.remaining(), limit - out.size());
        byte[] chunk = new byte[n];
        b.get(chunk);
        out.writeBytes(chunk);
        if (b.hasRemaining() || out.size() >= limit) {
          result.complete(new Bytes(out.toByteArray(), true));
          subscription.cancel();
          return;
        }
      }
    }

    @Override public void onError(Throwable t) {
      result.completeExceptionally(t);
    }

    @Override public void onComplete() {
      result.complete(new Bytes(out.toByteArray(), false));
    }
  }

  private boolean sameOrigin(URI uri) {
    return eq(uri.getScheme(), base.getScheme()) && eq(uri.getHost(), base.getHost()) && uri.getPort() == base.getPort()
        && uri.getRawUserInfo() == null;
  }

  private static boolean eq(String a, String b) {
    return a == null ? b == null : a.equalsIgnoreCase(b);
  }

  @Override public void close() {
    client.close();
  }
}

package dev.spectra.orchestrator.model.provider;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spectra.orchestrator.model.ModelError;
import dev.spectra.orchestrator.model.ModelError.Timeout;
import dev.spectra.orchestrator.model.ModelException;
import dev.spectra.orchestrator.model.Timeouts;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import javax.net.ssl.SSLException;

/**
 * The HTTP side of every provider: one {@link HttpClient} per connect timeout (the JDK client takes its
 * connect timeout per client, and a process sees one or two distinct values), one Jackson mapper, and
 * exchanges with separate first-token and total deadlines.
 *
 * <p>Why not {@code HttpRequest.timeout}: it only bounds the wait for response headers, and a streaming
 * server sends its headers at once and its first token much later. So we read the body through our own
 * subscriber and enforce both deadlines while reading.
 */
public final class Transport implements AutoCloseable {
  private final Map<Duration, HttpClient> clients = new ConcurrentHashMap<>();
  private final ObjectMapper json;
  private final Clock clock;
  private final TokenEstimator tokens = new TokenEstimator();
  private final DeadlineWatch deadlines = new DeadlineWatch();

  public Transport(Clock clock) {
    this.clock = clock;
    // Servers add fields all the time (Ollama's /v1 route leaves some out): read leniently.
    // Calls run on virtual threads, a fresh one per gateway request: Jackson's default per-thread buffer pool would
    // allocate new buffers for nearly every answer parsed, so the buffers come from one shared pool instead.
    this.json = new ObjectMapper(com.fasterxml.jackson.core.JsonFactory.builder()
        .recyclerPool(com.fasterxml.jackson.core.util.JsonRecyclerPools.sharedConcurrentDequePool()).build())
        .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
  }

  public Transport() {
    this(Clock.systemUTC());
  }

  /** {@return the shared mapper; build bodies with its generator, never a new mapper per call} */
  public ObjectMapper json() { return json; }

  public Clock clock() { return clock; }

  /** {@return the shared tokenizer for usage estimates, loaded on first use} */
  public TokenEstimator tokens() { return tokens; }

  /** {@return the client for this connect timeout, created once} */
  public HttpClient client(Duration connectTimeout) {
    return clients.computeIfAbsent(connectTimeout, t -> HttpClient.newBuilder()
        .connectTimeout(t)
        // Plain-http model servers (Ollama, llama.cpp, the simulator) speak HTTP/1.1; an h2c upgrade attempt only
        // costs a round of headers. TLS endpoints still negotiate HTTP/2 through ALPN per request.
        .version(HttpClient.Version.HTTP_1_1)
        .followRedirects(HttpClient.Redirect.NORMAL)
        .build());
  }

  /**
   * {@return why nothing accepts a TCP connection at {@code uri}'s host and port within {@code timeout}, or empty
   * when something does}. Probes call this first: a server that is not running is then reported without building
   * an HTTP client, whose TLS set-up alone is most of a short command's start-up time. The errors are the ones a
   * request would have failed with.
   */
  public static Optional<ModelError> refusesConnection(URI uri, Duration timeout, String endpoint, String hint) {
    String host = uri.getHost();
    if (host == null) return Optional.empty(); // let the request itself report a URL without a host
    int port = uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    InetSocketAddress address = new InetSocketAddress(host, port);
    if (address.isUnresolved()) {
      return Optional.of(new ModelError.ConnectionRefused(endpoint, "cannot resolve the host name; check the URL"));
    }
    try (Socket socket = new Socket()) {
      socket.connect(address, (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis())));
      return Optional.empty();
    } catch (SocketTimeoutException e) {
      return Optional.of(new Timeout(Timeout.Phase.CONNECT, timeout, endpoint));
    } catch (IOException e) {
      return Optional.of(new ModelError.ConnectionRefused(endpoint, hint));
    }
  }

  /** {@return a request builder for {@code uri}, with HTTP/2 allowed on TLS} */
  public static HttpRequest.Builder request(URI uri) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri);
    if ("https".equalsIgnoreCase(uri.getScheme())) b.version(HttpClient.Version.HTTP_2);
    return b;
  }

  /**
   * Sends {@code request} and returns once the response has begun: status and headers known and, for a
   * {@code whole} body, the entire body received. A streaming body keeps arriving through the exchange.
   *
   * @param whole read the body in one piece (non-streaming calls): one thread hand-over per call
   * @param endpoint what to name in error messages (a URL, never with credentials)
   * @param unreachableHint what to do when nothing listens (e.g. "start it with `ollama serve`")
   * @throws ModelException connection refused, connect timeout, first-token or total timeout
   */
  public Exchange open(HttpRequest request, Timeouts timeouts, String endpoint, String unreachableHint, boolean whole)
      throws ModelException {
    long start = System.nanoTime();
    BodyQueue body = new BodyQueue(whole);
    HttpClient client = client(timeouts.connect());
    Exchange exchange = new Exchange(body, null, start, timeouts, endpoint, deadlines);
    Function<Throwable, ModelError> early = t -> connectFailure(t, timeouts, endpoint, unreachableHint);
    if (exchange.watched()) {
      exchange.send(client, request, whole, early);
      return exchange;
    }
    // No watch (a transport used after close): the asynchronous send lets the reader time its own waits.
    CompletableFuture<HttpResponse<BodyQueue>> future = client.sendAsync(request, body::handle);
    future.whenComplete((response, failure) -> {
      if (failure != null) body.failEarly(failure);
    });
    exchange.sentAsync(future);
    exchange.begin(early);
    return exchange;
  }

  /** Same as {@link #open(HttpRequest, Timeouts, String, String, boolean)} with a whole body. */
  public Exchange open(HttpRequest request, Timeouts timeouts, String endpoint, String unreachableHint)
      throws ModelException {
    return open(request, timeouts, endpoint, unreachableHint, true);
  }

  static ModelError connectFailure(Throwable cause, Timeouts timeouts, String endpoint, String hint) {
    // The JDK wraps the real cause a level or two deep; walk the chain.
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof HttpConnectTimeoutException) {
        return new Timeout(Timeout.Phase.CONNECT, timeouts.connect(), endpoint);
      }
      if (t instanceof ConnectException || t instanceof UnresolvedAddressException
          || t instanceof UnknownHostException) {
        boolean dns = t instanceof UnresolvedAddressException || t instanceof UnknownHostException;
        return new ModelError.ConnectionRefused(endpoint, dns ? "cannot resolve the host name; check the URL" : hint);
      }
      if (t instanceof SSLException) {
        return new ModelError.ConnectionRefused(endpoint, "TLS handshake failed (" + t.getMessage()
            + "); check that the URL scheme matches the server");
      }
      if (t instanceof HttpTimeoutException) {
        return new Timeout(Timeout.Phase.TOTAL, timeouts.total(), endpoint);
      }
    }
    String detail = cause instanceof IOException && cause.getMessage() != null ? cause.getMessage() : String.valueOf(cause);
    return new ModelError.MalformedResponse("connection closed before a response (" + detail + ")", endpoint);
  }

  @Override public void close() {
    deadlines.close();
    clients.values().forEach(HttpClient::close);
    clients.clear();
  }
}

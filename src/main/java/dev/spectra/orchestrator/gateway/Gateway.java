package dev.spectra.orchestrator.gateway;

import dev.spectra.orchestrator.ledger.GatewayKeys;
import dev.spectra.orchestrator.model.Model;
import dev.spectra.orchestrator.model.Money;
import dev.spectra.orchestrator.model.Usage;
import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * An OpenAI-compatible HTTP gateway in front of the cascade: {@code POST /v1/chat/completions} (plain and SSE),
 * {@code GET /v1/models}, {@code GET /health}, {@code GET /metrics}. Model names are resolved through a
 * {@link Directory} (in production the cascade, which also resolves routing policies such as {@code local-first}),
 * so a client that only knows OpenAI gets fallback, JSON enforcement and cost accounting without changes.
 *
 * <p>The parts, in request order: {@link Routes} (the endpoints), {@link Admission} (draining, keys, rate limits,
 * key budgets), {@link ChatHandler} (reading, resolving, answering plain or streamed) and {@link Accounting}
 * (metrics, the access log). Runs on Javalin 7 (Jetty 12) with one virtual thread per request, because every
 * request blocks on a model call that can take minutes.
 */
public final class Gateway implements AutoCloseable {

  /** Where model names go: a catalog model or a routing policy, as the cascade resolves them. */
  public interface Directory {
    /** {@return the model serving {@code name}, or empty when no catalog model or policy has exactly that name} */
    Optional<Model> find(String name);

    /** {@return what {@code GET /v1/models} lists, catalog models and policies} */
    List<Listed> list();
  }

  /**
   * {@return a directory of exactly the names {@code listing} gives, resolved through {@code resolver}} Only listed
   * names are resolved and kept, so a client cannot grow the cache or the metrics with name variants
   * ({@code "local-first "}, another case, a server's own model id).
   */
  public static Directory directory(Function<String, ? extends Model> resolver, Supplier<List<Listed>> listing) {
    ConcurrentHashMap<String, Model> cache = new ConcurrentHashMap<>();
    return new Directory() {
      private volatile Set<String> names;

      @Override public Optional<Model> find(String name) {
        Model m = cache.get(name);
        if (m != null) return Optional.of(m);
        if (!names().contains(name)) return Optional.empty();
        try {
          m = resolver.apply(name);
        } catch (IllegalArgumentException unknown) {
          return Optional.empty();
        }
        if (m == null) return Optional.empty();
        cache.putIfAbsent(name, m);
        return Optional.of(m);
      }

      private Set<String> names() {
        Set<String> n = names;
        if (n == null) {
          n = new HashSet<>();
          for (Listed l : listing.get()) n.add(l.id());
          names = Set.copyOf(n);
        }
        return n;
      }

      @Override public List<Listed> list() {
        return listing.get();
      }
    };
  }

  /**
   * One entry of {@code GET /v1/models}.
   *
   * @param ownedBy {@code local}, {@code cloud} or {@code orchestrator} (for routing policies)
   */
  public record Listed(String id, String ownedBy) {}

  /**
   * A finished chat request that reached a model (requests the gateway refused before that are only counted in
   * metrics: they cost nothing and the cascade's ledger saw no call).
   *
   * @param status the HTTP status the client got (200 for a stream that failed after it began)
   * @param detail the full error message for the operator's log (secrets masked; may name upstream URLs), or null
   * @param guesses for a request that asked for lenient repair and got a value, the guesses made in it
   *     ({@code kind@line:column}, empty when none was needed); {@code null} otherwise
   */
  public record Call(String requestId, String apiKeyId, String requestedModel, String servedModel, int status,
      String errorCode, Usage usage, Money cost, int attempts, Duration elapsed, boolean stream,
      boolean clientDisconnected, String detail, List<String> guesses) {}

  /** Told about every finished {@link Call}: the access log in production, a recorder in tests. */
  @FunctionalInterface
  public interface Listener {
    Listener NONE = call -> {};

    void finished(Call call);
  }

  private final GatewayOptions options;
  private final boolean keysRequired;
  private final Runnable onStopped;
  private final Runnable onDraining;
  private final GatewayMetrics metrics = new GatewayMetrics();
  private final AtomicBoolean draining = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final Javalin app;

  private Gateway(Builder b) {
    this.options = b.options;
    this.onStopped = b.onStopped;
    this.onDraining = b.onDraining;
    this.keysRequired = keysRequired(options);
    if (keysRequired && (b.keys == null || !b.keys.hasActiveKeys())) {
      throw new IllegalStateException(options.requireKeys() && isLoopback(options.host())
          ? "gateway keys are required but none exists; create one with 'orchestrator keys create --name NAME'"
          : "binding to " + options.host() + " (not loopback) requires gateway API keys; create one with "
              + "'orchestrator keys create --name NAME', or bind to 127.0.0.1");
    }
    // Clients on other machines get errors without upstream URLs or setting names; the log keeps them.
    // One mapper for reading requests and writing answers, with a shared buffer pool: Jackson's default pool is per
    // thread, and every request has a fresh virtual thread, so each parse and write would allocate its buffers anew.
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper(
        com.fasterxml.jackson.core.JsonFactory.builder()
            .recyclerPool(com.fasterxml.jackson.core.util.JsonRecyclerPools.sharedConcurrentDequePool()).build());
    Replies replies = new Replies(Redactor.fromEnvironment(b.environment), keysRequired, json);
    Accounting accounting = new Accounting(metrics, b.listener, replies);
    Admission admission = new Admission(keysRequired ? b.keys : null, draining, accounting);
    ChatHandler chat = new ChatHandler(options, b.directory, admission, accounting, replies, b.clock, metrics, json);
    Routes routes = new Routes(options, b.directory, admission, chat, accounting, replies, metrics, draining,
        keysRequired);
    this.app = Javalin.create(cfg -> {
      cfg.concurrency.useVirtualThreads = true;
      cfg.startup.showJavalinBanner = false;
      cfg.startup.startupWatcherEnabled = false;
      cfg.http.compressionStrategy = CompressionStrategy.NONE;
      cfg.http.maxRequestSize = options.maxBodyBytes();
      // GET on the completions path is 405 (with Allow), not 404: the path exists.
      cfg.http.prefer405over404 = true;
      cfg.router.ignoreTrailingSlashes = true;
      b.mounts.forEach(m -> m.accept(cfg.routes));
      routes.register(cfg.routes);
    });
  }

  public static Builder builder(Directory directory) {
    return new Builder(directory);
  }

  /** Wiring for a {@link Gateway}; only the directory is required. */
  public static final class Builder {
    private final Directory directory;
    private GatewayOptions options = GatewayOptions.defaults();
    private GatewayKeys keys;
    private Map<String, String> environment = Map.of();
    private Listener listener = Listener.NONE;
    private Runnable onStopped = () -> {};
    private Runnable onDraining = () -> {};
    private Clock clock = Clock.systemUTC();
    private final java.util.List<java.util.function.Consumer<io.javalin.config.RoutesConfig>> mounts =
        new java.util.ArrayList<>();

    private Builder(Directory directory) {
      this.directory = Objects.requireNonNull(directory, "directory");
    }

    public Builder options(GatewayOptions o) { this.options = Objects.requireNonNull(o); return this; }

    /** Gateway keys; required when binding beyond loopback or with {@code requireKeys}. */
    public Builder keys(GatewayKeys k) { this.keys = k; return this; }

    /** The process environment: values of credential-named variables are masked in everything the gateway says. */
    public Builder environment(Map<String, String> env) { this.environment = Map.copyOf(env); return this; }

    public Builder listener(Listener l) { this.listener = Objects.requireNonNull(l); return this; }

    /** Runs once after the last request finished at shutdown: flush the ledger here. */
    public Builder onStopped(Runnable r) { this.onStopped = Objects.requireNonNull(r); return this; }

    /**
     * Runs once when draining starts, before the server stops: end long-lived streams (the dashboard's live
     * updates) here, so that stopping does not wait for them or find them half-closed.
     */
    public Builder onDraining(Runnable r) { this.onDraining = Objects.requireNonNull(r); return this; }

    public Builder clock(Clock c) { this.clock = Objects.requireNonNull(c); return this; }

    /**
     * Serves more routes beside the API (the dashboard under {@code /ui}) on the same port. They do their own
     * admission, and must stay off the API's paths.
     */
    public Builder mount(java.util.function.Consumer<io.javalin.config.RoutesConfig> routes) {
      this.mounts.add(Objects.requireNonNull(routes));
      return this;
    }

    /** Binds and starts serving. */
    public Gateway start() {
      Gateway g = new Gateway(this);
      g.app.start(g.options.host(), g.options.port());
      return g;
    }
  }

  /** {@return the base URL, e.g. {@code http://127.0.0.1:8080}, without a trailing slash} */
  public URI baseUrl() {
    String h = options.host().contains(":") ? "[" + options.host() + "]" : options.host();
    return URI.create("http://" + h + ":" + app.port());
  }

  public int port() { return app.port(); }

  public boolean keysRequired() { return keysRequired; }

  /** {@return requests being served now} */
  public long inFlight() { return metrics.inFlight(); }

  /** {@return the metrics in Prometheus text format, as {@code GET /metrics} serves them} */
  public String metricsText() { return metrics.exposition(); }

  /**
   * Drains, then stops: from now on every new request is answered 503 {@code draining} (so a load balancer moves
   * it to another replica instead of seeing a refused connection), in-flight requests get the grace period to
   * finish, then the server stops (cancelling what is left) and the {@code onStopped} hook (the ledger flush) runs.
   * Safe to call twice.
   */
  @Override public void close() {
    if (!closed.compareAndSet(false, true)) return;
    draining.set(true);
    try {
      onDraining.run();
    } catch (RuntimeException e) {
      // Stopping goes on: a stream that failed to end is cut when the server stops.
    }
    long deadline = System.nanoTime() + options.shutdownGrace().toNanos();
    while (metrics.inFlight() > 0 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    try {
      app.stop();
    } finally {
      try {
        onStopped.run();
      } finally {
        stopped.countDown();
      }
    }
  }

  /** {@return true once {@link #close} began: new requests get 503} */
  public boolean draining() { return draining.get(); }

  /** Blocks until {@link #close} has finished (from a shutdown hook, say). */
  public void awaitClosed() throws InterruptedException {
    stopped.await();
  }

  /** {@return true when these options make the gateway ask for keys: asked to, or bound beyond loopback} */
  public static boolean keysRequired(GatewayOptions options) {
    return options.requireKeys() || !isLoopback(options.host());
  }

  static boolean isLoopback(String host) {
    try {
      for (InetAddress a : InetAddress.getAllByName(host)) if (!a.isLoopbackAddress()) return false;
      return true;
    } catch (UnknownHostException e) {
      return false;
    }
  }

  @Override public String toString() {
    return "Gateway[" + options.host() + ":" + (closed.get() ? "closed" : app.port()) + "]";
  }
}

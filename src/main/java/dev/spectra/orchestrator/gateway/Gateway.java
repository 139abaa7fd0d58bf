package dev.spectra.orchestrator.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spectra.orchestrator.model.FinishReason;
import dev.spectra.orchestrator.model.Model;
import dev.spectra.orchestrator.model.ModelException;
import dev.spectra.orchestrator.model.ModelReply;
import dev.spectra.orchestrator.model.ModelRequest;
import dev.spectra.orchestrator.model.Money;
import dev.spectra.orchestrator.model.ResponseFormat;
import dev.spectra.orchestrator.model.TokenListener;
import dev.spectra.orchestrator.model.Usage;
import io.javalin.Javalin;
import io.javalin.http.Context;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.ServerConnector;

/**
 * An OpenAI-compatible HTTP gateway in front of the cascade: {@code POST /v1/chat/completions} (plain and SSE),
 * {@code GET /v1/models}, {@code GET /health}, {@code GET /metrics}. Any model name is resolved through a
 * {@link Directory} (in production the cascade, which also resolves routing policies such as {@code local-first}),
 * so a client that only knows OpenAI gets fallback, JSON enforcement and cost accounting without changes.
 *
 * <p>Runs on Javalin (Jetty 11) with one virtual thread per request, because every request blocks on a model call
 * that can take minutes.
 */
public final class Gateway implements AutoCloseable {

  /** Where model names go: a catalog model or a routing policy, as the cascade resolves them. */
  public interface Directory {
    /** {@return the model serving {@code name}, or empty when no catalog model or policy has that name} */
    Optional<Model> find(String name);

    /** {@return what {@code GET /v1/models} lists, catalog models and policies} */
    List<Listed> list();
  }

  /**
   * {@return a directory over a resolver that throws {@link IllegalArgumentException} for unknown names (as
   * {@code Cascade.resolve} does)} Resolved models are kept, so a name is planned once; unknown names are not kept,
   * so clients cannot grow the cache.
   */
  public static Directory directory(Function<String, ? extends Model> resolver, Supplier<List<Listed>> listing) {
    ConcurrentHashMap<String, Model> cache = new ConcurrentHashMap<>();
    return new Directory() {
      @Override public Optional<Model> find(String name) {
        Model m = cache.get(name);
        if (m != null) return Optional.of(m);
        try {
          m = resolver.apply(name);
        } catch (IllegalArgumentException unknown) {
          return Optional.empty();
        }
        if (m == null) return Optional.empty();
        cache.putIfAbsent(name, m);
        return Optional.of(m);
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
   */
  public record Call(String requestId, String apiKeyId, String requestedModel, String servedModel, int status,
      String errorCode, Usage usage, Money cost, int attempts, Duration elapsed, boolean stream,
      boolean clientDisconnected) {}

  /** Told about every finished {@link Call}: the access log in production, a recorder in tests. */
  @FunctionalInterface
  public interface Listener {
    Listener NONE = call -> {};

    void finished(Call call);
  }

  private static final String SERVED = "x-orchestrator-served-model";
  private static final String ATTEMPTS = "x-orchestrator-attempts";
  private static final String COST = "x-orchestrator-cost-usd";
  private static final String SAVED = "x-orchestrator-saved-usd";
  private static final String REQUESTED = "x-orchestrator-requested-model";
  private static final String REQUEST_ID = "x-request-id";
  /** Request: {@code lenient} asks for the best reading of a broken JSON answer instead of a re-ask. */
  private static final String REPAIR = "x-orchestrator-repair";
  /** Response to a lenient request: how many guesses, then each as {@code kind@line:column}. */
  private static final String GUESSES = "x-orchestrator-guesses";

  private final GatewayOptions options;
  private final Directory directory;
  private final ApiKeys keys;
  private final boolean keysRequired;
  private final Redactor redactor;
  private final Listener listener;
  private final Runnable onStopped;
  private final Clock clock;
  private final ObjectMapper json = new ObjectMapper();
  private final ChatRequestReader reader = new ChatRequestReader(json);
  private final CompletionWriter writer = new CompletionWriter(json);
  private final GatewayMetrics metrics = new GatewayMetrics();
  private final RateLimiter limiter;
  private final AtomicBoolean draining = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final Javalin app;

  private Gateway(Builder b) {
    this.options = b.options;
    this.directory = b.directory;
    this.keys = b.keys;
    this.redactor = Redactor.fromEnvironment(b.environment);
    this.listener = b.listener;
    this.onStopped = b.onStopped;
    this.clock = b.clock;
    this.limiter = new RateLimiter(b.nanoTime);
    this.keysRequired = options.requireKeys() || !isLoopback(options.host());
    if (keysRequired && (keys == null || !keys.hasActiveKeys())) {
      throw new IllegalStateException(options.requireKeys() && isLoopback(options.host())
          ? "gateway keys are required but none exists; create one with 'orchestrator keys create --name NAME'"
          : "binding to " + options.host() + " (not loopback) requires gateway API keys; create one with "
              + "'orchestrator keys create --name NAME', or bind to 127.0.0.1");
    }
    this.app = Javalin.create(cfg -> {
      cfg.useVirtualThreads = true;
      cfg.showJavalinBanner = false;
      cfg.startupWatcherEnabled = false;
      cfg.http.disableCompression();
      cfg.http.maxRequestSize = options.maxBodyBytes();
      cfg.jetty.defaultHost = options.host();
      cfg.router.ignoreTrailingSlashes = true;
    });
    routes(app);
  }

  public static Builder builder(Directory directory) {
    return new Builder(directory);
  }

  /** Wiring for a {@link Gateway}; only the directory is required. */
  public static final class Builder {
    private final Directory directory;
    private GatewayOptions options = GatewayOptions.defaults();
    private ApiKeys keys;
    private Map<String, String> environment = Map.of();
    private Listener listener = Listener.NONE;
    private Runnable onStopped = () -> {};
    private Clock clock = Clock.systemUTC();
    private LongSupplier nanoTime = System::nanoTime;

    private Builder(Directory directory) {
      this.directory = Objects.requireNonNull(directory, "directory");
    }

    public Builder options(GatewayOptions o) { this.options = Objects.requireNonNull(o); return this; }

    /** Gateway keys; required when binding beyond loopback or with {@code requireKeys}. */
    public Builder keys(ApiKeys k) { this.keys = k; return this; }

    /** The process environment: values of credential-named variables are masked in everything the gateway says. */
    public Builder environment(Map<String, String> env) { this.environment = Map.copyOf(env); return this; }

    public Builder listener(Listener l) { this.listener = Objects.requireNonNull(l); return this; }

    /** Runs once after the last request finished at shutdown: flush the ledger here. */
    public Builder onStopped(Runnable r) { this.onStopped = Objects.requireNonNull(r); return this; }

    public Builder clock(Clock c) { this.clock = Objects.requireNonNull(c); return this; }

    public Builder nanoTime(LongSupplier n) { this.nanoTime = Objects.requireNonNull(n); return this; }

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
   * Stops accepting connections, lets in-flight requests finish within the grace period, then stops the server
   * (cancelling what is left), writes pending key spend and runs the {@code onStopped} hook (the ledger flush).
   * Safe to call twice.
   */
  @Override public void close() {
    if (!closed.compareAndSet(false, true)) return;
    draining.set(true);
    var server = app.jettyServer() == null ? null : app.jettyServer().server();
    if (server != null) {
      for (Connector c : server.getConnectors()) {
        // Closes the listening socket only (new connections are refused, not left in the backlog); connections
        // already accepted keep being served.
        if (c instanceof ServerConnector sc) sc.close();
      }
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
    app.stop();
    try {
      if (keys != null) keys.flushAll();
    } finally {
      try {
        onStopped.run();
      } finally {
        stopped.countDown();
      }
    }
  }

  /** Blocks until {@link #close} has finished (from a shutdown hook, say). */
  public void awaitClosed() throws InterruptedException {
    stopped.await();
  }

  // ---------------------------------------------------------------------------------------------------------------

  private void routes(Javalin a) {
    if (!options.corsOrigins().isEmpty()) {
      a.before(this::cors);
      a.options("/*", ctx -> ctx.status(204));
    }
    a.post("/v1/chat/completions", this::chat);
    // Some clients are configured with a base URL that lacks /v1.
    a.post("/chat/completions", this::chat);
    a.get("/v1/models", this::models);
    a.get("/v1/models/{id}", this::model);
    a.get("/health", this::health);
    a.get("/metrics", this::metricsEndpoint);
    // Our own 404/405 answers are already JSON errors; only Javalin's plain-text ones are replaced.
    a.error(404, ctx -> {
      if (ctx.res().isCommitted() || isJson(ctx)) return;
      send(ctx, GatewayError.notFound(ctx.method() + " " + ctx.path()), null);
    });
    a.error(405, ctx -> {
      if (ctx.res().isCommitted() || isJson(ctx)) return;
      send(ctx, new GatewayError(405, "invalid_request_error", "method_not_allowed", null,
          "Method " + ctx.method() + " is not allowed on " + ctx.path() + ".", null), null);
    });
    a.exception(Exception.class, (e, ctx) -> {
      // A bug, not a client mistake: the client gets a redacted one-liner, never a stack trace.
      metrics.failure("internal_error");
      if (!ctx.res().isCommitted()) send(ctx, GatewayError.internal("internal gateway error: "
          + redactor.redact(String.valueOf(e.getMessage()))), null);
    });
  }

  private static boolean isJson(Context ctx) {
    String type = ctx.res().getContentType();
    return type != null && type.startsWith("application/json");
  }

  private void cors(Context ctx) {
    String origin = ctx.header("Origin");
    if (origin == null || !options.corsOrigins().contains(origin) && !options.corsOrigins().contains("*")) return;
    ctx.header("Access-Control-Allow-Origin", origin);
    ctx.header("Vary", "Origin");
    ctx.header("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
    String asked = ctx.header("Access-Control-Request-Headers");
    ctx.header("Access-Control-Allow-Headers", asked != null ? asked : "authorization, content-type");
    ctx.header("Access-Control-Expose-Headers", String.join(", ", SERVED, ATTEMPTS, COST, SAVED, REQUEST_ID, GUESSES));
    ctx.header("Access-Control-Max-Age", "600");
  }

  private void health(Context ctx) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", draining.get() ? "draining" : "ok");
    body.put("in_flight", metrics.inFlight());
    body.put("keys_required", keysRequired);
    ctx.status(draining.get() ? 503 : 200).contentType("application/json").result(writer.tree(body));
  }

  private void metricsEndpoint(Context ctx) {
    if (keysRequired && authenticate(ctx).isEmpty()) return;
    ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.exposition());
  }

  private void models(Context ctx) {
    if (keysRequired && authenticate(ctx).isEmpty()) return;
    List<Map<String, Object>> data = new ArrayList<>();
    for (Listed l : directory.list()) data.add(modelObject(l));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("object", "list");
    body.put("data", data);
    ctx.contentType("application/json").result(writer.tree(body));
  }

  private void model(Context ctx) {
    if (keysRequired && authenticate(ctx).isEmpty()) return;
    String id = ctx.pathParam("id");
    for (Listed l : directory.list()) {
      if (l.id().equals(id)) {
        ctx.contentType("application/json").result(writer.tree(modelObject(l)));
        return;
      }
    }
    send(ctx, GatewayError.modelNotFound(id), null);
  }

  private static Map<String, Object> modelObject(Listed l) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", l.id());
    m.put("object", "model");
    m.put("created", 0);
    m.put("owned_by", l.ownedBy());
    return m;
  }

  /** Checks the bearer key; on failure the 401 is already sent. */
  private Optional<ApiKeys.KeyInfo> authenticate(Context ctx) {
    String header = ctx.header("Authorization");
    String token = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : null;
    if (token == null || token.isEmpty()) {
      reject(ctx, GatewayError.unauthorized("Missing gateway API key: send 'Authorization: Bearer <key>' (create one "
          + "with 'orchestrator keys create')."), "unknown");
      return Optional.empty();
    }
    Optional<ApiKeys.KeyInfo> key = keys.authenticate(token);
    if (key.isEmpty()) {
      reject(ctx, GatewayError.unauthorized("Invalid or revoked gateway API key."), "unknown");
    }
    return key;
  }

  private void chat(Context ctx) {
    long t0 = System.nanoTime();
    metrics.enter();
    try {
      serveChat(ctx, t0);
    } finally {
      metrics.leave();
    }
  }

  private void serveChat(Context ctx, long t0) {
    String requestId = newId();
    ctx.header(REQUEST_ID, requestId);
    if (draining.get()) {
      reject(ctx, GatewayError.draining(), "unknown");
      return;
    }
    ApiKeys.KeyInfo key = null;
    if (keysRequired) {
      Optional<ApiKeys.KeyInfo> k = authenticate(ctx);
      if (k.isEmpty()) return;
      key = k.get();
      if (key.rateLimitRpm() != null) {
        Duration wait = limiter.acquire(key.id(), key.rateLimitRpm());
        if (wait != null) {
          reject(ctx, GatewayError.rateLimited(key.id(), key.rateLimitRpm(), wait), "unknown");
          return;
        }
      }
      if (key.budget() != null && !key.budget().exceeds(key.spent())) {
        reject(ctx, GatewayError.keyBudgetExhausted(key.id(), key.spent().toString(), key.budget().toString()),
            "unknown");
        return;
      }
    }
    byte[] body = readBody(ctx);
    if (body == null) return;
    ChatRequestReader.ChatCall call;
    try {
      call = reader.read(body, new ModelRequest.CallContext(requestId, null, "gateway", key == null ? null : key.id()));
    } catch (ChatRequestReader.Rejected e) {
      reject(ctx, e.error(), "unknown");
      return;
    }
    String repair = ctx.header(REPAIR);
    if (repair != null && !repair.equalsIgnoreCase("default")) {
      if (!repair.equalsIgnoreCase("lenient")) {
        reject(ctx, GatewayError.badRequest("invalid_value", REPAIR, "Header '" + REPAIR + "' must be 'lenient' "
            + "(best reading of a broken JSON answer, guesses listed in '" + GUESSES + "') or 'default'."), "unknown");
        return;
      }
      call = call.withLenientRepair();
    }
    Optional<Model> model = directory.find(call.model());
    if (model.isEmpty()) {
      reject(ctx, GatewayError.modelNotFound(call.model()), "unknown");
      return;
    }
    String keyId = key == null ? null : key.id();
    if (call.stream()) {
      stream(ctx, call, model.get(), requestId, keyId, t0);
    } else {
      complete(ctx, call, model.get(), requestId, keyId, t0);
    }
  }

  /** Reads at most the configured limit; a larger body gets 413 and is not kept. */
  private byte[] readBody(Context ctx) {
    long limit = options.maxBodyBytes();
    long declared = ctx.req().getContentLengthLong();
    if (declared > limit) {
      reject(ctx, GatewayError.tooLarge(limit), "unknown");
      return null;
    }
    try (InputStream in = ctx.req().getInputStream()) {
      byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
      if (bytes.length > limit) {
        reject(ctx, GatewayError.tooLarge(limit), "unknown");
        return null;
      }
      return bytes;
    } catch (IOException e) {
      reject(ctx, GatewayError.badRequest("unreadable_body", null, "Request body could not be read."), "unknown");
      return null;
    }
  }

  private void complete(Context ctx, ChatRequestReader.ChatCall call, Model model, String requestId, String keyId,
      long t0) {
    String name = call.model();
    try {
      ModelReply reply = model.chat(call.request(), TokenListener.NONE);
      Optional<String> content = content(call.request(), reply);
      CompletionWriter.Accounting acc = CompletionWriter.Accounting.of(reply);
      if (content.isEmpty()) {
        finishFailed(ctx, call, requestId, keyId, t0, notJson(name, reply), acc, false);
        return;
      }
      accountingHeaders(ctx, acc);
      guessesHeader(ctx, call, reply);
      byte[] bytes = writer.completion(requestId, clock.instant().getEpochSecond(), reply.servedBy(), content.get(),
          reply.finishReason(), acc);
      respond(ctx, 200, bytes);
      finishServed(call, requestId, keyId, t0, reply, acc, 200, false);
    } catch (ModelException e) {
      finishFailed(ctx, call, requestId, keyId, t0, GatewayError.fromModelError(e.error(), name),
          CompletionWriter.Accounting.ofFailure(e.attempts()), false);
    }
  }

  private void stream(Context ctx, ChatRequestReader.ChatCall call, Model model, String requestId, String keyId,
      long t0) {
    String name = call.model();
    long created = clock.instant().getEpochSecond();
    SseSink sink = new SseSink(ctx.res(), writer, requestId, created, name, this::openStream);
    ctx.header(REQUESTED, name);
    try {
      ModelReply reply = model.chat(call.request(), call.request().stream() ? sink : TokenListener.NONE);
      CompletionWriter.Accounting acc = CompletionWriter.Accounting.of(reply);
      Optional<String> content = content(call.request(), reply);
      if (content.isEmpty()) {
        if (sink.started()) {
          sink.fail(notJson(name, reply).redacted(redactor));
          finishServed(call, requestId, keyId, t0, reply, acc, 502, sink.clientGone());
        } else {
          finishFailed(ctx, call, requestId, keyId, t0, notJson(name, reply), acc, false);
        }
        return;
      }
      if (!sink.started()) {
        // Nothing streamed yet (a JSON answer, or a route that does not stream): everything is known, so the
        // accounting goes into real headers before the body.
        accountingHeaders(ctx, acc);
        guessesHeader(ctx, call, reply);
        sink.content(content.get());
      } else {
        String sent = sink.sentText();
        if (!content.get().startsWith(sent)) {
          // Never splice two answers: what the client already has is not a prefix of the final answer.
          sink.fail(new GatewayError(502, "upstream_error", "stream_replaced", null,
              "The answer changed after streaming had begun (a fallback after the first token); retry the request.",
              null));
          finishServed(call, requestId, keyId, t0, reply, acc, 502, sink.clientGone());
          return;
        }
        sink.content(content.get().substring(sent.length()));
      }
      sink.finish(reply.finishReason(), acc, call.includeUsage());
      finishServed(call, requestId, keyId, t0, reply, acc, 200, sink.clientGone());
    } catch (ModelException e) {
      GatewayError error = GatewayError.fromModelError(e.error(), name);
      CompletionWriter.Accounting acc = CompletionWriter.Accounting.ofFailure(e.attempts());
      if (!sink.started()) {
        // Failed before the first token (every route, since the cascade falls back until then): a plain HTTP error.
        finishFailed(ctx, call, requestId, keyId, t0, error, acc, false);
      } else {
        sink.fail(error.redacted(redactor));
        record(call, requestId, keyId, t0, null, error.status(), error.code(), acc, sink.clientGone());
      }
    }
  }

  private void openStream(HttpServletResponse res) {
    res.setStatus(200);
    res.setContentType("text/event-stream; charset=utf-8");
    res.setHeader("Cache-Control", "no-cache");
    // Tells reverse proxies (nginx) not to buffer the stream.
    res.setHeader("X-Accel-Buffering", "no");
  }

  /**
   * {@return the message content for the client} For JSON formats it is the validated value the structured engine
   * produced, re-serialised; empty when a JSON format was asked and no JSON value came back (never pass the raw text).
   */
  private Optional<String> content(ModelRequest request, ModelReply reply) {
    if (request.format() instanceof ResponseFormat.Text) return Optional.of(reply.text());
    JsonNode value = reply.json();
    if (value == null) {
      // A directory model without the structured engine: accept only text that is JSON as a whole.
      try {
        value = json.readTree(reply.text());
      } catch (JsonProcessingException e) {
        return Optional.empty();
      }
      if (value == null || value.isMissingNode()) return Optional.empty();
      if (request.format() instanceof ResponseFormat.Json && !value.isObject()) return Optional.empty();
    }
    try {
      return Optional.of(json.writeValueAsString(value));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static GatewayError notJson(String name, ModelReply reply) {
    return new GatewayError(422, "invalid_output_error", "invalid_output", "response_format",
        "'" + name + "' (served by " + reply.servedBy() + ") did not return a JSON value for the requested "
            + "response_format.", null);
  }

  private void finishServed(ChatRequestReader.ChatCall call, String requestId, String keyId, long t0, ModelReply reply,
      CompletionWriter.Accounting acc, int status, boolean clientGone) {
    Duration elapsed = Duration.ofNanos(System.nanoTime() - t0);
    metrics.served(call.model(), reply.servedBy(), reply.attempts(), reply.usage(), reply.cost(), reply.saved(),
        elapsed);
    record(call, requestId, keyId, t0, reply.servedBy(), status, status == 200 ? null : "stream_replaced", acc,
        clientGone);
  }

  private void finishFailed(Context ctx, ChatRequestReader.ChatCall call, String requestId, String keyId, long t0,
      GatewayError error, CompletionWriter.Accounting acc, boolean clientGone) {
    send(ctx, error, acc);
    record(call, requestId, keyId, t0, acc.servedModel(), error.status(), error.code(), acc, clientGone);
  }

  private void record(ChatRequestReader.ChatCall call, String requestId, String keyId, long t0, String served,
      int status, String errorCode, CompletionWriter.Accounting acc, boolean clientGone) {
    Duration elapsed = Duration.ofNanos(System.nanoTime() - t0);
    metrics.request(call.model(), status);
    if (errorCode != null) metrics.failure(errorCode);
    if (clientGone) metrics.failure("client_disconnected");
    if (keyId != null && keys != null && acc.cost() != null && !acc.cost().isZero()) {
      keys.addSpend(keyId, acc.cost());
      keys.flush();
    }
    listener.finished(new Call(requestId, keyId, call.model(), served, status, errorCode, acc.usage(), acc.cost(),
        acc.attempts(), elapsed, call.stream(), clientGone));
  }

  /** A refusal before any model ran: counted, answered, not in the ledger. */
  private void reject(Context ctx, GatewayError error, String modelLabel) {
    metrics.request(modelLabel, error.status());
    metrics.failure(error.code());
    send(ctx, error, null);
  }

  private void send(Context ctx, GatewayError error, CompletionWriter.Accounting acc) {
    GatewayError safe = error.redacted(redactor);
    if (acc != null) accountingHeaders(ctx, acc);
    if (safe.retryAfter() != null) {
      ctx.header("Retry-After", Long.toString(Math.max(1, (safe.retryAfter().toMillis() + 999) / 1000)));
    }
    respond(ctx, safe.status(), writer.error(safe));
  }

  /**
   * Writes and flushes a whole JSON response inside the handler, so that by the time a request stops counting as in
   * flight its bytes are on the wire (a shutdown that waits for in-flight requests must not cut a finished answer).
   */
  private static void respond(Context ctx, int status, byte[] bytes) {
    HttpServletResponse res = ctx.res();
    res.setStatus(status);
    res.setContentType("application/json");
    res.setContentLength(bytes.length);
    try {
      var out = res.getOutputStream();
      out.write(bytes);
      out.flush();
    } catch (IOException e) {
      // The client is gone; nothing left to tell it.
    }
  }

  private static void accountingHeaders(Context ctx, CompletionWriter.Accounting acc) {
    if (acc.servedModel() != null) ctx.header(SERVED, acc.servedModel());
    ctx.header(ATTEMPTS, Integer.toString(acc.attempts()));
    ctx.header(COST, acc.costText());
    ctx.header(SAVED, acc.savedText());
  }

  /** For a lenient request: every guess made in the answer, so the client sees where it may be wrong. */
  private static void guessesHeader(Context ctx, ChatRequestReader.ChatCall call, ModelReply reply) {
    if (!call.request().format().lenientRepair()) return;
    List<String> guesses = reply.attempts().isEmpty() ? List.of()
        : reply.attempts().get(reply.attempts().size() - 1).guesses();
    ctx.header(GUESSES, guesses.size() + (guesses.isEmpty() ? "" : "; " + String.join(", ", guesses)));
  }

  private static String newId() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    return "chatcmpl-" + Long.toHexString(r.nextLong() | Long.MIN_VALUE) + Long.toHexString(r.nextLong() | Long.MIN_VALUE);
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

  static byte[] utf8(String s) { return s.getBytes(StandardCharsets.UTF_8); }
}

package dev.spectra.orchestrator.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.net.URI;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An in-process HTTP server that speaks OpenAI chat completions, Ollama's native API and Anthropic Messages,
 * answering from per-model scripts first and then from a {@linkplain SimOptions#profile() profile}.
 *
 * <pre>{@code
 * try (Simulator sim = Simulator.start(SimOptions.defaults().withProfile("flaky").withSeed(7))) {
 *   sim.enqueue("qwen2.5-coder:32b", Scripted.rateLimited(Duration.ofSeconds(1)), Scripted.text("ok"));
 *   URI chat = sim.baseUrl().resolve("/v1/chat/completions");
 * }
 * }</pre>
 */
public final class Simulator implements AutoCloseable {

  /** A profile name or file, or a fixture directory, that cannot be used; the message says what to do. */
  public static final class BadProfileException extends IllegalArgumentException {
    BadProfileException(String message) { super(message); }
  }

  /** The host and port cannot be bound (in use, or not a local address). */
  public static final class CannotListenException extends RuntimeException {
    CannotListenException(String message) { super(message); }
  }

  private final Javalin app;
  private final Responder responder;
  private final Profile profile;
  private final URI baseUrl;
  /** Bounds memory when {@code orchestrator sim} serves for hours; tests never come near it. */
  static final int MAX_RECORDED = 10_000;

  private final java.util.Deque<RecordedRequest> recorded = new java.util.ArrayDeque<>();
  private boolean closed;
  private volatile java.util.function.Consumer<String> exchangeLog;
  private static final String MODEL = "sim.model";

  /** A response header on every answer of the simulator, so tools can tell simulated rows from measured ones. */
  public static final String SIMULATOR_HEADER = "X-Model-Simulator";

  private Simulator(SimOptions options, Profile profile, Fixtures fixtures) {
    this.profile = profile;
    ObjectMapper mapper = new ObjectMapper();
    Tokenizer tokenizer = new Tokenizer();
    this.responder = new Responder(options, profile, tokenizer, fixtures, mapper);
    List<String> served = options.models().isEmpty() ? profile.models() : options.models();
    Backend backend = new Backend(options, responder, tokenizer, mapper, served, new AtomicLong());
    this.app = Javalin.create(config -> {
      config.startup.showJavalinBanner = false;
      config.startup.startupWatcherEnabled = false;
      // Virtual threads: a slow-drip reply sleeping in its handler costs nothing.
      config.concurrency.useVirtualThreads = true;
      config.http.compressionStrategy = io.javalin.compression.CompressionStrategy.NONE;
      // Javalin's 1 MB default would turn long prompts into 413s that no model server sends.
      config.http.maxRequestSize = 64L * 1024 * 1024;
      config.routes.before(ctx -> {
        // Lets reports label answers from here as simulations; no real model server sends this header.
        ctx.header(SIMULATOR_HEADER, "spectra-orchestrator");
        record(ctx, mapper);
      });
      config.routes.after(this::log);
      new OpenAiProtocol(backend).register(config.routes);
      new OllamaProtocol(backend).register(config.routes);
      new AnthropicProtocol(backend).register(config.routes);
      config.routes.exception(Exception.class, (e, ctx) -> {
        // A bug in the simulator, not a simulated fault: say so in a body no client mistakes for a model reply.
        ctx.status(500).contentType("text/plain").result("simulator internal error: " + e);
      });
    });
    try {
      app.start(options.host(), options.port());
    } catch (io.javalin.util.JavalinBindException e) {
      app.stop();
      throw new CannotListenException("cannot listen on " + options.host() + ":" + options.port() + ": "
          + e.getMessage());
    }
    String host = options.host().contains(":") ? "[" + options.host() + "]" : options.host();
    if (host.equals("0.0.0.0")) host = "127.0.0.1";
    this.baseUrl = URI.create("http://" + host + ":" + app.port());
    warmUp();
  }

  /**
   * Serves one request to itself before returning: Jetty 12 and Javalin load most of their classes on the first
   * request, which on a busy machine takes seconds, and a client's first probe must not time out on that.
   */
  private void warmUp() {
    try (java.net.Socket s = new java.net.Socket()) {
      s.connect(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), app.port()), 5_000);
      s.setSoTimeout(10_000);
      String request = "GET /api/version HTTP/1.1\r\nHost: localhost\r\n" + WARM_UP + ": 1\r\nConnection: close\r\n\r\n";
      s.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      s.getInputStream().readAllBytes();
    } catch (java.io.IOException e) {
      // Bound to an address loopback cannot reach: the first client request warms it instead.
    }
  }

  /**
   * Starts a simulator and returns once it accepts connections.
   *
   * @throws BadProfileException when the profile is neither a built-in name nor a readable, valid profile file,
   *     or the fixture directory is unusable
   * @throws CannotListenException when the host and port cannot be bound
   */
  public static Simulator start(SimOptions options) {
    Profile profile;
    Fixtures fixtures;
    try {
      profile = Profile.resolve(options.profile());
      fixtures = Fixtures.load(options.fixtureDir());
    } catch (Profile.BadProfile e) {
      throw new BadProfileException(e.getMessage());
    }
    return new Simulator(options, profile, fixtures);
  }

  /** {@return the names of the built-in profiles, in documentation order} */
  public static List<String> builtInProfiles() {
    return List.copyOf(Profile.BUILT_IN.keySet());
  }

  /** {@return the built-in profiles with their one-line descriptions} */
  public static Map<String, String> builtInProfileDescriptions() {
    Map<String, String> m = new LinkedHashMap<>();
    Profile.BUILT_IN.forEach((k, v) -> m.put(k, v.description()));
    return Collections.unmodifiableMap(m);
  }

  /**
   * {@return every rate of a profile, as {@code sim --describe} prints it: JSON validity and failure families,
   * transport faults, and the simulated coder's defect model with the public source behind each kind}
   *
   * @throws BadProfileException when the name or file cannot be used
   */
  public static String describe(String nameOrFile) {
    Profile p;
    try {
      p = Profile.resolve(nameOrFile);
    } catch (Profile.BadProfile e) {
      throw new BadProfileException(e.getMessage());
    }
    StringBuilder sb = new StringBuilder();
    sb.append("profile ").append(p.name()).append(": ").append(p.description()).append('\n');
    sb.append("simulated rates, not measurements of any model\n");
    sb.append(String.format(java.util.Locale.ROOT, "JSON answers raw-valid: %.0f%%%n", p.validRate() * 100));
    double total = p.families().values().stream().mapToDouble(Double::doubleValue).sum();
    if (p.validRate() < 1 && total > 0) {
      p.families().entrySet().stream().sorted(Map.Entry.<Family, Double>comparingByValue().reversed()
          .thenComparing(e -> e.getKey().wire())).forEach(e -> sb.append(String.format(java.util.Locale.ROOT,
          "  %-20s %5.1f%% of JSON answers%n", e.getKey().wire(), (1 - p.validRate()) * e.getValue() / total * 100)));
    }
    Profile.Faults f = p.faults();
    sb.append(String.format(java.util.Locale.ROOT, "transport faults per request: 429 %.1f%%, 500 %.1f%%, 503 %.1f%%, "
        + "reset %.1f%%, slow first token %.1f%%, slow drip %.1f%%, malformed %.1f%%%n", f.rateLimited() * 100,
        f.serverError() * 100, f.unavailable() * 100, f.reset() * 100, f.slowFirstToken() * 100, f.slowDrip() * 100,
        f.malformed() * 100));
    sb.append(p.coder().describe());
    return sb.toString();
  }

  /** {@return e.g. {@code http://127.0.0.1:41234}, no trailing slash} */
  public URI baseUrl() {
    return baseUrl;
  }

  /** {@return the active profile's name} */
  public String profileName() {
    return profile.name();
  }

  /** {@return the active profile's one-line description} */
  public String profileDescription() {
    return profile.description();
  }

  /** Queues steps for a model id ({@code "*"}: any model whose own queue is empty), consumed before the profile. */
  public void enqueue(String modelId, Scripted... steps) {
    responder.enqueue(modelId, steps);
  }

  /** {@return every request received so far (the last 10,000 on a long-running server), in arrival order} */
  public List<RecordedRequest> requests() {
    synchronized (recorded) {
      return List.copyOf(recorded);
    }
  }

  /**
   * Sends one line per finished exchange to {@code log}, e.g.
   * {@code POST /v1/chat/completions model=m -> 200 (profile mistral-7b: synthesized from schema, corrupted: fences)}.
   * Lines never hold headers, so no credential reaches a log.
   */
  public void onExchange(java.util.function.Consumer<String> log) {
    this.exchangeLog = log;
  }

  private void log(Context ctx) {
    java.util.function.Consumer<String> log = exchangeLog;
    if (log == null) return;
    String note = ctx.attribute(Backend.NOTE);
    String model = ctx.attribute(MODEL);
    log.accept(ctx.method().name() + " " + ctx.path() + (model == null ? "" : " model=" + model) + " -> "
        + ctx.res().getStatus() + (note == null ? "" : " (" + note + ")"));
  }

  /** Marks the simulator's own warm-up request, which is neither recorded nor logged. */
  private static final String WARM_UP = "X-Simulator-Warm-Up";

  private void record(Context ctx, ObjectMapper mapper) {
    if (ctx.header(WARM_UP) != null) return;
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (String name : Collections.list(ctx.req().getHeaderNames())) {
      headers.put(name, Collections.list(ctx.req().getHeaders(name)));
    }
    String raw = ctx.body();
    JsonNode body;
    if (raw.isEmpty()) {
      body = MissingNode.getInstance();
    } else {
      try {
        body = mapper.readTree(raw);
      } catch (java.io.IOException e) {
        body = TextNode.valueOf(raw);
      }
    }
    if (body.path("model").isTextual()) ctx.attribute(MODEL, body.get("model").asText());
    RecordedRequest request = new RecordedRequest(ctx.method().name(), ctx.path(), headers, body);
    synchronized (recorded) {
      if (recorded.size() == MAX_RECORDED) recorded.removeFirst();
      recorded.addLast(request);
    }
  }

  /** Stops the server; safe to call more than once. */
  @Override public synchronized void close() {
    if (closed) return;
    closed = true;
    // Jetty's graceful stop waits on its threads; an interrupted caller would make it fail half-way.
    boolean interrupted = Thread.interrupted();
    try {
      app.stop();
    } finally {
      if (interrupted) Thread.currentThread().interrupt();
    }
  }
}

package dev.spectra.orchestrator.gateway;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/** The gateway's endpoints, registered into Javalin's configuration; the handlers live in their own classes. */
final class Routes {
  private static final List<String> CHAT_PATHS = List.of("/v1/chat/completions", "/chat/completions");

  private final GatewayOptions options;
  private final Gateway.Directory directory;
  private final Admission admission;
  private final ChatHandler chat;
  private final Accounting accounting;
  private final Replies replies;
  private final GatewayMetrics metrics;
  private final AtomicBoolean draining;
  private final boolean keysRequired;

  Routes(GatewayOptions options, Gateway.Directory directory, Admission admission, ChatHandler chat,
      Accounting accounting, Replies replies, GatewayMetrics metrics, AtomicBoolean draining, boolean keysRequired) {
    this.options = options;
    this.directory = directory;
    this.admission = admission;
    this.chat = chat;
    this.accounting = accounting;
    this.replies = replies;
    this.metrics = metrics;
    this.draining = draining;
    this.keysRequired = keysRequired;
  }

  void register(RoutesConfig r) {
    if (!options.corsOrigins().isEmpty()) {
      r.before(this::cors);
      r.options("/*", ctx -> ctx.status(204));
    }
    // Some clients are configured with a base URL that lacks /v1.
    for (String path : CHAT_PATHS) r.post(path, chat::handle);
    r.get("/v1/models", this::models);
    r.get("/v1/models/{id}", this::model);
    r.get("/health", this::health);
    r.get("/metrics", this::metricsEndpoint);
    // Our own 404/405 answers are already JSON errors; only Javalin's plain-text ones are replaced.
    r.error(404, ctx -> {
      if (ctx.res().isCommitted() || isJson(ctx) || isHtml(ctx)) return;
      replies.send(ctx, GatewayError.notFound(ctx.method() + " " + ctx.path()), null);
    });
    r.error(405, ctx -> {
      if (ctx.res().isCommitted() || isJson(ctx)) return;
      if (CHAT_PATHS.contains(ctx.path())) ctx.header("Allow", "POST");
      accounting.reject(ctx, GatewayError.methodNotAllowed(ctx.method().name(), ctx.path()));
    });
    // A bug, not a client mistake: the client gets a one-liner, never a stack trace.
    r.exception(Exception.class, (e, ctx) -> accounting.internal(ctx, e));
  }

  /** A page mounted beside the API (the dashboard) answers its own 404s in HTML. */
  private static boolean isHtml(Context ctx) {
    String type = ctx.res().getContentType();
    return type != null && type.startsWith("text/html");
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
    ctx.header("Access-Control-Expose-Headers", String.join(", ", Replies.SERVED, Replies.ATTEMPTS, Replies.COST,
        Replies.SAVED, Replies.REQUEST_ID, Replies.GUESSES));
    ctx.header("Access-Control-Max-Age", "600");
  }

  private void health(Context ctx) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", draining.get() ? "draining" : "ok");
    body.put("in_flight", metrics.inFlight());
    body.put("keys_required", keysRequired);
    Replies.respond(ctx, draining.get() ? 503 : 200, replies.writer.tree(body));
  }

  private void metricsEndpoint(Context ctx) {
    if (!admission.admitRead(ctx)) return;
    ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.exposition());
  }

  private void models(Context ctx) {
    if (!admission.admitRead(ctx)) return;
    List<Map<String, Object>> data = new ArrayList<>();
    for (Gateway.Listed l : directory.list()) data.add(modelObject(l));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("object", "list");
    body.put("data", data);
    ctx.contentType("application/json").result(replies.writer.tree(body));
  }

  private void model(Context ctx) {
    if (!admission.admitRead(ctx)) return;
    String id = ctx.pathParam("id");
    for (Gateway.Listed l : directory.list()) {
      if (l.id().equals(id)) {
        ctx.contentType("application/json").result(replies.writer.tree(modelObject(l)));
        return;
      }
    }
    replies.send(ctx, GatewayError.modelNotFound(id), null);
  }

  private static Map<String, Object> modelObject(Gateway.Listed l) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", l.id());
    m.put("object", "model");
    m.put("created", 0);
    m.put("owned_by", l.ownedBy());
    return m;
  }
}

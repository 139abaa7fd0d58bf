package dev.spectra.orchestrator.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.List;

/**
 * OpenAI chat completions as OpenAI, Ollama's /v1, LM Studio, vLLM and llama.cpp serve it: JSON replies, SSE
 * streams ending in {@code data: [DONE]}, and OpenAI's error object.
 */
final class OpenAiProtocol {
  private final Backend b;

  OpenAiProtocol(Backend backend) { this.b = backend; }

  void register(RoutesConfig app) {
    app.post("/v1/chat/completions", this::chat);
    app.get("/v1/models", this::models);
  }

  private void models(Context ctx) {
    if (!authorized(ctx)) return;
    ObjectNode root = b.mapper().createObjectNode().put("object", "list");
    ArrayNode data = root.putArray("data");
    for (String id : b.listedAll()) {
      data.addObject().put("id", id).put("object", "model").put("created", 1_700_000_000L)
          .put("owned_by", id.startsWith("gpt") ? "openai" : id.startsWith("claude") ? "anthropic" : "library");
    }
    ctx.contentType("application/json").result(b.json(root));
  }

  private boolean authorized(Context ctx) {
    String key = b.options().requiredApiKey();
    if (key == null) return true;
    String auth = ctx.header("Authorization");
    if (auth == null || auth.isBlank()) {
      error(ctx, 401, "You didn't provide an API key. You need to provide your API key in an Authorization header "
          + "using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).", "invalid_request_error", "invalid_api_key");
      return false;
    }
    if (!auth.equals("Bearer " + key)) {
      // Never echo the key, not even masked.
      error(ctx, 401, "Incorrect API key provided.", "invalid_request_error", "invalid_api_key");
      return false;
    }
    return true;
  }

  private void chat(Context ctx) {
    if (!authorized(ctx)) return;
    JsonNode body = b.body(ctx);
    if (body == null) {
      error(ctx, 400, "We could not parse the JSON body of your request.", "invalid_request_error", null);
      return;
    }
    String model = body.path("model").asText("");
    if (model.isBlank()) {
      error(ctx, 400, "you must provide a model parameter", "invalid_request_error", null);
      return;
    }
    JsonNode messages = body.path("messages");
    if (!messages.isArray() || messages.isEmpty()) {
      error(ctx, 400, "'messages' must be a non-empty array", "invalid_request_error", null);
      return;
    }
    if (!b.serves(model)) {
      error(ctx, 404, "The model `" + model + "` does not exist or you do not have access to it.",
          "invalid_request_error", "model_not_found");
      return;
    }
    SimRequest req = request(body, model, messages);
    Outcome outcome = b.decide(ctx, req);
    switch (outcome) {
      case Outcome.Failure f -> failure(ctx, f);
      case Outcome.Malformed m -> malformed(ctx, m, req);
      case Outcome.Answer a -> {
        if (req.stream()) stream(ctx, a, req);
        else whole(ctx, a, req);
      }
    }
  }

  private SimRequest request(JsonNode body, String model, JsonNode messages) {
    StringBuilder prompt = new StringBuilder();
    String lastUser = "";
    int tokens = 3;
    for (JsonNode m : messages) {
      String text = Backend.contentText(m.get("content"));
      prompt.append(text).append('\n');
      tokens += b.tokenizer().count(text) + Tokenizer.PER_MESSAGE_OVERHEAD;
      if ("user".equals(m.path("role").asText())) lastUser = text;
    }
    Integer maxTokens = null;
    if (body.path("max_completion_tokens").canConvertToInt()) maxTokens = body.get("max_completion_tokens").asInt();
    else if (body.path("max_tokens").canConvertToInt()) maxTokens = body.get("max_tokens").asInt();
    if (maxTokens != null && maxTokens <= 0) maxTokens = null;
    JsonNode schema = null;
    boolean jsonMode = false;
    JsonNode rf = body.path("response_format");
    String rfType = rf.path("type").asText("");
    if (rfType.equals("json_schema")) {
      schema = objectOrNull(rf.path("json_schema").path("schema"));
      jsonMode = schema == null;
    } else if (rfType.equals("json_object")) {
      // llama.cpp also accepts a schema right inside a json_object response_format.
      schema = objectOrNull(rf.path("schema"));
      jsonMode = true;
    }
    if (schema == null) schema = objectOrNull(body.path("json_schema"));                 // llama.cpp server
    if (schema == null) schema = objectOrNull(parseIfText(body.path("guided_json")));    // vLLM
    boolean stream = body.path("stream").asBoolean(false);
    boolean includeUsage = body.path("stream_options").path("include_usage").asBoolean(false);
    return new SimRequest(SimRequest.Protocol.OPENAI, model, lastUser, prompt.toString(), tokens, stream, maxTokens,
        schema, jsonMode, null, includeUsage);
  }

  private JsonNode parseIfText(JsonNode n) {
    if (!n.isTextual()) return n;
    try {
      return b.mapper().readTree(n.asText());
    } catch (java.io.IOException e) {
      return null;
    }
  }

  private static JsonNode objectOrNull(JsonNode n) {
    return n != null && n.isObject() ? n : null;
  }

  private ObjectNode envelope(String object, String id, String model) {
    return b.mapper().createObjectNode().put("id", id).put("object", object)
        .put("created", System.currentTimeMillis() / 1000).put("model", model).put("system_fingerprint", "fp_sim");
  }

  private ObjectNode usage(SimRequest req, String text) {
    int completion = b.tokenizer().count(text);
    return b.mapper().createObjectNode().put("prompt_tokens", req.promptTokens())
        .put("completion_tokens", completion).put("total_tokens", req.promptTokens() + completion);
  }

  private void whole(Context ctx, Outcome.Answer a, SimRequest req) {
    b.pauseForWholeReply(a, b.tokenizer().pieces(a.text()).size());
    ObjectNode root = envelope("chat.completion", "chatcmpl-" + b.nextId(24), req.model());
    ObjectNode choice = root.putArray("choices").addObject();
    choice.put("index", 0);
    choice.putObject("message").put("role", "assistant").put("content", a.text()).putNull("refusal");
    choice.putNull("logprobs");
    choice.put("finish_reason", a.truncated() ? "length" : "stop");
    if (a.usage()) root.set("usage", usage(req, a.text()));
    String json = b.json(root);
    if (a.cutOff()) {
      ResponseStream.sendHalfAndAbort(ctx, 200, "application/json", json);
      return;
    }
    ctx.contentType("application/json").result(json);
  }

  private void stream(Context ctx, Outcome.Answer a, SimRequest req) {
    ResponseStream.pause(a.firstToken());
    ResponseStream out = new ResponseStream(ctx, 200, "text/event-stream; charset=utf-8");
    String id = "chatcmpl-" + b.nextId(24);
    if (!out.write(sse(chunk(id, req, b.mapper().createObjectNode().put("role", "assistant").put("content", ""),
        null)))) return;
    List<String> pieces = b.tokenizer().pieces(a.text());
    for (int i = 0; i < pieces.size(); i++) {
      if (i > 0) ResponseStream.pause(a.perChunk());
      if (!out.write(sse(chunk(id, req, b.mapper().createObjectNode().put("content", pieces.get(i)), null)))) return;
    }
    if (a.cutOff()) {
      ResponseStream.abort(ctx);
      return;
    }
    out.write(sse(chunk(id, req, b.mapper().createObjectNode(), a.truncated() ? "length" : "stop")));
    if (req.includeUsage() && a.usage()) {
      ObjectNode last = envelope("chat.completion.chunk", id, req.model());
      last.putArray("choices");
      last.set("usage", usage(req, a.text()));
      out.write(sse(b.json(last)));
    }
    out.write("data: [DONE]\n\n");
  }

  private String chunk(String id, SimRequest req, ObjectNode delta, String finish) {
    ObjectNode c = envelope("chat.completion.chunk", id, req.model());
    ObjectNode choice = c.putArray("choices").addObject();
    choice.put("index", 0);
    choice.set("delta", delta);
    choice.putNull("logprobs");
    if (finish == null) choice.putNull("finish_reason");
    else choice.put("finish_reason", finish);
    // With include_usage, OpenAI sends "usage": null on every chunk but the last.
    if (req.includeUsage()) c.putNull("usage");
    return b.json(c);
  }

  private static String sse(String data) {
    return "data: " + data + "\n\n";
  }

  private void failure(Context ctx, Outcome.Failure f) {
    Backend.retryAfter(ctx, f.retryAfter());
    if (f.rawBody() != null) {
      ctx.status(f.status()).contentType("application/json").result(f.rawBody());
      return;
    }
    String type = switch (f.status()) {
      case 429 -> "requests";
      case 401, 403 -> "invalid_request_error";
      case 400, 404, 422 -> "invalid_request_error";
      default -> f.status() >= 500 ? "server_error" : "invalid_request_error";
    };
    String code = switch (f.status()) {
      case 429 -> "rate_limit_exceeded";
      case 404 -> "model_not_found";
      case 401 -> "invalid_api_key";
      default -> null;
    };
    error(ctx, f.status(), f.message(), type, code);
  }

  private void error(Context ctx, int status, String message, String type, String code) {
    ObjectNode root = b.mapper().createObjectNode();
    ObjectNode e = root.putObject("error");
    e.put("message", message).put("type", type).putNull("param");
    if (code == null) e.putNull("code");
    else e.put("code", code);
    ctx.status(status).contentType("application/json").result(b.json(root));
  }

  private void malformed(Context ctx, Outcome.Malformed m, SimRequest req) {
    String id = "chatcmpl-" + b.nextId(24);
    boolean notJson = m.kind() == Scripted.MalformedBody.Kind.NOT_JSON;
    String bad = notJson ? "<html><body><h1>502 Bad Gateway</h1>upstream sent an invalid response</body></html>"
        : b.json(envelope(req.stream() ? "chat.completion.chunk" : "chat.completion", id, req.model()));
    if (req.stream()) {
      ResponseStream out = new ResponseStream(ctx, 200, "text/event-stream; charset=utf-8");
      out.write("data: " + bad + "\n\n");
      out.write("data: [DONE]\n\n");
    } else {
      ctx.status(200).contentType("application/json").result(bad);
    }
  }
}

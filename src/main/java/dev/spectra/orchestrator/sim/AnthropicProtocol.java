package dev.spectra.orchestrator.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.List;

/**
 * Anthropic Messages: {@code x-api-key} and {@code anthropic-version} required, {@code max_tokens} required,
 * SSE events (message_start, content_block_*, message_delta, message_stop), and a forced tool
 * ({@code tool_choice: {type: tool}}) answered with a {@code tool_use} block whose input is the JSON answer.
 */
final class AnthropicProtocol {
  private final Backend b;

  AnthropicProtocol(Backend backend) { this.b = backend; }

  void register(RoutesConfig app) {
    app.post("/v1/messages", this::messages);
  }

  private void error(Context ctx, int status, String type, String message) {
    ObjectNode root = b.mapper().createObjectNode().put("type", "error");
    root.putObject("error").put("type", type).put("message", message);
    ctx.status(status).contentType("application/json").result(b.json(root));
  }

  static String errorType(int status) {
    return switch (status) {
      case 400 -> "invalid_request_error";
      case 401 -> "authentication_error";
      case 403 -> "permission_error";
      case 404 -> "not_found_error";
      case 413 -> "request_too_large";
      case 429 -> "rate_limit_error";
      case 503, 529 -> "overloaded_error";
      default -> "api_error";
    };
  }

  private void messages(Context ctx) {
    String key = ctx.header("x-api-key");
    if (key == null || key.isBlank()) {
      error(ctx, 401, "authentication_error", "x-api-key header is required");
      return;
    }
    String required = b.options().requiredApiKey();
    if (required != null && !required.equals(key)) {
      error(ctx, 401, "authentication_error", "invalid x-api-key");
      return;
    }
    if (ctx.header("anthropic-version") == null) {
      error(ctx, 400, "invalid_request_error", "anthropic-version: header is required");
      return;
    }
    JsonNode body = b.body(ctx);
    if (body == null) {
      error(ctx, 400, "invalid_request_error", "There was an issue with your request body: it is not a JSON object");
      return;
    }
    for (String field : List.of("model", "max_tokens", "messages")) {
      if (!body.hasNonNull(field)) {
        error(ctx, 400, "invalid_request_error", field + ": Field required");
        return;
      }
    }
    String model = body.get("model").asText();
    if (!body.get("max_tokens").canConvertToInt() || body.get("max_tokens").asInt() < 1) {
      error(ctx, 400, "invalid_request_error", "max_tokens: Input should be greater than or equal to 1");
      return;
    }
    if (!body.get("messages").isArray() || body.get("messages").isEmpty()) {
      error(ctx, 400, "invalid_request_error", "messages: at least one message is required");
      return;
    }
    if (!b.serves(model)) {
      error(ctx, 404, "not_found_error", "model: " + model);
      return;
    }
    SimRequest req = request(body, model);
    Outcome outcome = b.decide(ctx, req);
    switch (outcome) {
      case Outcome.Failure f -> {
        Backend.retryAfter(ctx, f.retryAfter());
        if (f.rawBody() != null) ctx.status(f.status()).contentType("application/json").result(f.rawBody());
        else error(ctx, f.status(), errorType(f.status()), f.message());
      }
      case Outcome.Malformed m -> malformed(ctx, m, req);
      case Outcome.Answer a -> {
        if (req.stream()) stream(ctx, a, req);
        else whole(ctx, a, req);
      }
    }
  }

  private SimRequest request(JsonNode body, String model) {
    StringBuilder prompt = new StringBuilder();
    int tokens = 0;
    String system = Backend.contentText(body.get("system"));
    if (!system.isEmpty()) {
      prompt.append(system).append('\n');
      tokens += b.tokenizer().count(system) + Tokenizer.PER_MESSAGE_OVERHEAD;
    }
    String lastUser = "";
    for (JsonNode m : body.get("messages")) {
      String text = Backend.contentText(m.get("content"));
      prompt.append(text).append('\n');
      tokens += b.tokenizer().count(text) + Tokenizer.PER_MESSAGE_OVERHEAD;
      if ("user".equals(m.path("role").asText())) lastUser = text;
    }
    // A forced tool: by name, or "any" when there is only one tool to choose.
    JsonNode choice = body.path("tool_choice");
    JsonNode tools = body.path("tools");
    String toolName = null;
    JsonNode schema = null;
    String choiceType = choice.path("type").asText("");
    for (JsonNode t : tools) {
      boolean forced = choiceType.equals("tool") && t.path("name").asText().equals(choice.path("name").asText())
          || choiceType.equals("any") && tools.size() == 1;
      if (forced) {
        toolName = t.path("name").asText();
        schema = t.path("input_schema").isObject() ? t.get("input_schema") : null;
        // Tool definitions are part of the prompt Anthropic bills.
        tokens += b.tokenizer().count(t.toString());
      }
    }
    return new SimRequest(SimRequest.Protocol.ANTHROPIC, model, lastUser, prompt.toString(), Math.max(tokens, 1),
        body.path("stream").asBoolean(false), body.get("max_tokens").asInt(), schema, false, toolName, false);
  }

  /** {@return the answer as a tool input object, or null when it must go out as text} */
  private JsonNode toolInput(Outcome.Answer a, SimRequest req) {
    if (req.toolName() == null) return null;
    if (a.truncated()) return b.mapper().createObjectNode();
    try {
      JsonNode n = b.mapper().readTree(a.text());
      return n != null && n.isObject() ? n : null;
    } catch (java.io.IOException e) {
      return null;
    }
  }

  private String stopReason(Outcome.Answer a, boolean tool) {
    return a.truncated() ? "max_tokens" : tool ? "tool_use" : "end_turn";
  }

  private ObjectNode message(String id, SimRequest req) {
    ObjectNode m = b.mapper().createObjectNode().put("id", id).put("type", "message").put("role", "assistant")
        .put("model", req.model());
    return m;
  }

  private void whole(Context ctx, Outcome.Answer a, SimRequest req) {
    b.pauseForWholeReply(a, b.tokenizer().pieces(a.text()).size());
    ObjectNode root = message("msg_" + b.nextId(24), req);
    JsonNode input = toolInput(a, req);
    ObjectNode block = root.putArray("content").addObject();
    if (input != null) {
      block.put("type", "tool_use").put("id", "toolu_" + b.nextId(24)).put("name", req.toolName());
      block.set("input", input);
    } else {
      block.put("type", "text").put("text", a.text());
    }
    root.put("stop_reason", stopReason(a, input != null)).putNull("stop_sequence");
    if (a.usage()) {
      root.putObject("usage").put("input_tokens", req.promptTokens())
          .put("output_tokens", b.tokenizer().count(a.text()));
    }
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
    ObjectNode start = b.mapper().createObjectNode().put("type", "message_start");
    ObjectNode msg = message("msg_" + b.nextId(24), req);
    msg.putArray("content");
    msg.putNull("stop_reason").putNull("stop_sequence");
    if (a.usage()) msg.putObject("usage").put("input_tokens", req.promptTokens()).put("output_tokens", 1);
    start.set("message", msg);
    if (!out.write(event("message_start", start))) return;
    // Stream the tool input as JSON text even when it is partial: the client assembles partial_json pieces.
    boolean tool = req.toolName() != null && (a.truncated() || a.cutOff() || toolInput(a, req) != null);
    ObjectNode blockStart = b.mapper().createObjectNode().put("type", "content_block_start").put("index", 0);
    if (tool) {
      ObjectNode cb = blockStart.putObject("content_block").put("type", "tool_use").put("id", "toolu_" + b.nextId(24))
          .put("name", req.toolName());
      cb.putObject("input");
    } else {
      blockStart.putObject("content_block").put("type", "text").put("text", "");
    }
    out.write(event("content_block_start", blockStart));
    out.write(event("ping", b.mapper().createObjectNode().put("type", "ping")));
    List<String> pieces = b.tokenizer().pieces(a.text());
    for (int i = 0; i < pieces.size(); i++) {
      if (i > 0) ResponseStream.pause(a.perChunk());
      ObjectNode delta = b.mapper().createObjectNode().put("type", "content_block_delta").put("index", 0);
      if (tool) delta.putObject("delta").put("type", "input_json_delta").put("partial_json", pieces.get(i));
      else delta.putObject("delta").put("type", "text_delta").put("text", pieces.get(i));
      if (!out.write(event("content_block_delta", delta))) return;
    }
    if (a.cutOff()) {
      ResponseStream.abort(ctx);
      return;
    }
    out.write(event("content_block_stop", b.mapper().createObjectNode().put("type", "content_block_stop")
        .put("index", 0)));
    ObjectNode md = b.mapper().createObjectNode().put("type", "message_delta");
    md.putObject("delta").put("stop_reason", stopReason(a, tool)).putNull("stop_sequence");
    if (a.usage()) md.putObject("usage").put("output_tokens", b.tokenizer().count(a.text()));
    out.write(event("message_delta", md));
    out.write(event("message_stop", b.mapper().createObjectNode().put("type", "message_stop")));
  }

  private String event(String name, JsonNode data) {
    return "event: " + name + "\ndata: " + b.json(data) + "\n\n";
  }

  private void malformed(Context ctx, Outcome.Malformed m, SimRequest req) {
    boolean notJson = m.kind() == Scripted.MalformedBody.Kind.NOT_JSON;
    if (req.stream()) {
      ResponseStream out = new ResponseStream(ctx, 200, "text/event-stream; charset=utf-8");
      out.write(notJson ? "event: message_start\ndata: <html>502 Bad Gateway</html>\n\n"
          : "event: message_start\ndata: {\"type\":\"message_start\"}\n\n");
      out.write("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
      return;
    }
    String bad = notJson ? "<html><body>502 Bad Gateway</body></html>" : b.json(message("msg_" + b.nextId(24), req));
    ctx.status(200).contentType("application/json").result(bad);
  }
}

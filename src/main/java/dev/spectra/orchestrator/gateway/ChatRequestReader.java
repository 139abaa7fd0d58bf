package dev.spectra.orchestrator.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spectra.orchestrator.model.Message;
import dev.spectra.orchestrator.model.ModelRequest;
import dev.spectra.orchestrator.model.ResponseFormat;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads an OpenAI {@code /v1/chat/completions} body into a {@link ModelRequest}. Anything we would have to ignore
 * silently in a way that changes the answer (tools, {@code n > 1}, images) is rejected with the field named, so a
 * client never gets a plausible answer to a question it did not ask.
 */
final class ChatRequestReader {

  /** A parsed request: which model name to resolve, the request, and the stream options. */
  record ChatCall(String model, ModelRequest request, boolean stream, boolean includeUsage) {
    /** {@return this call with lenient repair of a JSON answer (guesses reported); text is never repaired} */
    ChatCall withLenientRepair() {
      return new ChatCall(model, request.withFormat(request.format().withLenientRepair()), stream, includeUsage);
    }
  }

  /** Thrown for a body the gateway cannot serve; carries the client-facing error. */
  static final class Rejected extends Exception {
    private final GatewayError error;

    Rejected(GatewayError error) {
      super(error.message(), null, false, false);
      this.error = error;
    }

    GatewayError error() { return error; }
  }

  private final ObjectMapper json;

  ChatRequestReader(ObjectMapper json) {
    this.json = json;
  }

  ChatCall read(byte[] body, ModelRequest.CallContext context) throws Rejected {
    JsonNode root;
    try {
      root = json.readTree(body);
    } catch (JsonProcessingException e) {
      throw new Rejected(GatewayError.badRequest("invalid_json", null,
          "Request body is not valid JSON: " + e.getOriginalMessage() + " (line " + e.getLocation().getLineNr()
              + ", column " + e.getLocation().getColumnNr() + ")."));
    } catch (IOException e) {
      throw new Rejected(GatewayError.badRequest("invalid_json", null, "Request body could not be read."));
    }
    if (root == null || !root.isObject()) {
      throw new Rejected(GatewayError.badRequest("invalid_json", null, "Request body must be a JSON object."));
    }

    String model = text(root, "model");
    if (model == null || model.isBlank()) {
      throw new Rejected(GatewayError.badRequest("missing_required_parameter", "model",
          "'model' is required: a catalog model name or a routing policy such as 'local-first'."));
    }
    List<Message> messages = messages(root.get("messages"));
    rejectUnsupported(root);

    Integer maxTokens = positiveInt(root, "max_completion_tokens");
    if (maxTokens == null) maxTokens = positiveInt(root, "max_tokens");
    Double temperature = null;
    JsonNode t = root.get("temperature");
    if (t != null && !t.isNull()) {
      if (!t.isNumber() || t.asDouble() < 0 || t.asDouble() > 2) {
        throw new Rejected(GatewayError.badRequest("invalid_value", "temperature",
            "'temperature' must be a number between 0 and 2."));
      }
      temperature = t.asDouble();
    }
    boolean stream = bool(root, "stream");
    boolean includeUsage = false;
    JsonNode so = root.get("stream_options");
    if (so != null && so.isObject()) includeUsage = bool(so, "include_usage");

    ResponseFormat format = format(root.get("response_format"));
    // JSON answers are validated as a whole before the client sees them, so they are never streamed token by token.
    boolean streamTokens = stream && format instanceof ResponseFormat.Text;
    ModelRequest request = new ModelRequest(messages, maxTokens, temperature, streamTokens, format, context);
    return new ChatCall(model, request, stream, includeUsage);
  }

  private List<Message> messages(JsonNode node) throws Rejected {
    if (node == null || !node.isArray() || node.isEmpty()) {
      throw new Rejected(GatewayError.badRequest("missing_required_parameter", "messages",
          "'messages' must be a non-empty array of {role, content}."));
    }
    List<Message> out = new ArrayList<>(node.size());
    for (int i = 0; i < node.size(); i++) {
      JsonNode m = node.get(i);
      String param = "messages[" + i + "]";
      if (!m.isObject()) throw new Rejected(GatewayError.badRequest("invalid_type", param, param + " must be an object."));
      String role = text(m, "role");
      Message.Role r = switch (role == null ? "" : role.toLowerCase(Locale.ROOT)) {
        case "system", "developer" -> Message.Role.SYSTEM;
        case "user" -> Message.Role.USER;
        case "assistant" -> Message.Role.ASSISTANT;
        default -> throw new Rejected(GatewayError.badRequest("invalid_value", param + ".role",
            param + ".role '" + role + "' is not supported; use system, developer, user or assistant (tool messages "
                + "are not supported by this gateway)."));
      };
      if (m.hasNonNull("tool_calls")) {
        throw new Rejected(GatewayError.badRequest("unsupported_parameter", param + ".tool_calls",
            "Tool calls are not supported by this gateway."));
      }
      out.add(new Message(r, content(m.get("content"), param + ".content")));
    }
    return out;
  }

  private static String content(JsonNode c, String param) throws Rejected {
    if (c == null || c.isNull()) return "";
    if (c.isTextual()) return c.asText();
    if (c.isArray()) {
      StringBuilder sb = new StringBuilder();
      for (JsonNode part : c) {
        String type = text(part, "type");
        if (!"text".equals(type)) {
          throw new Rejected(GatewayError.badRequest("unsupported_parameter", param,
              "Content part of type '" + type + "' is not supported; only text parts are."));
        }
        sb.append(part.path("text").asText());
      }
      return sb.toString();
    }
    throw new Rejected(GatewayError.badRequest("invalid_type", param, param + " must be a string or an array of text parts."));
  }

  private static void rejectUnsupported(JsonNode root) throws Rejected {
    JsonNode n = root.get("n");
    if (n != null && !n.isNull() && n.asInt(1) != 1) {
      throw new Rejected(GatewayError.badRequest("unsupported_parameter", "n", "Only n = 1 is supported."));
    }
    for (String field : List.of("tools", "functions")) {
      JsonNode f = root.get(field);
      if (f != null && !f.isNull() && !(f.isArray() && f.isEmpty())) {
        throw new Rejected(GatewayError.badRequest("unsupported_parameter", field,
            "'" + field + "' is not supported by this gateway; ask for JSON with response_format json_schema instead."));
      }
    }
  }

  private static ResponseFormat format(JsonNode rf) throws Rejected {
    if (rf == null || rf.isNull()) return ResponseFormat.TEXT;
    String type = text(rf, "type");
    if (type == null) {
      throw new Rejected(GatewayError.badRequest("invalid_value", "response_format.type",
          "'response_format.type' is required: text, json_object or json_schema."));
    }
    return switch (type) {
      case "text" -> ResponseFormat.TEXT;
      case "json_object" -> ResponseFormat.JSON;
      case "json_schema" -> {
        JsonNode js = rf.get("json_schema");
        if (js == null || !js.isObject()) {
          throw new Rejected(GatewayError.badRequest("missing_required_parameter", "response_format.json_schema",
              "'response_format.json_schema' must be an object with 'name' and 'schema'."));
        }
        String name = text(js, "name");
        if (name == null || name.isBlank()) name = "response";
        JsonNode schema = js.get("schema");
        if (schema == null || !(schema.isObject() || schema.isBoolean())) {
          throw new Rejected(GatewayError.badRequest("invalid_value", "response_format.json_schema.schema",
              "'response_format.json_schema.schema' must be a JSON Schema object."));
        }
        // Constrained decoding is asked for whatever 'strict' says: the structured engine adapts the schema to each
        // backend's subset and validates every answer, so strict:false gets the same guarantee, not a weaker one.
        yield new ResponseFormat.JsonSchema(name, schema, true);
      }
      default -> throw new Rejected(GatewayError.badRequest("invalid_value", "response_format.type",
          "'response_format.type' '" + type + "' is not supported: use text, json_object or json_schema."));
    };
  }

  private static Integer positiveInt(JsonNode root, String field) throws Rejected {
    JsonNode v = root.get(field);
    if (v == null || v.isNull()) return null;
    if (!v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() <= 0) {
      throw new Rejected(GatewayError.badRequest("invalid_value", field, "'" + field + "' must be a positive integer."));
    }
    return v.asInt();
  }

  private static boolean bool(JsonNode node, String field) throws Rejected {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) return false;
    if (!v.isBoolean()) {
      throw new Rejected(GatewayError.badRequest("invalid_type", field, "'" + field + "' must be true or false."));
    }
    return v.asBoolean();
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v == null || !v.isTextual() ? null : v.asText();
  }
}

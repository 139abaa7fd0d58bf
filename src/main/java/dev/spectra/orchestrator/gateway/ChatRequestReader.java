package dev.spectra.orchestrator.gateway;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spectra.orchestrator.model.Message;
import dev.spectra.orchestrator.model.ModelRequest;
import dev.spectra.orchestrator.model.ResponseFormat;
import java.io.IOException;
import dev.spectra.orchestrator.model.Sampling;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads an OpenAI {@code /v1/chat/completions} body into a {@link ModelRequest}. Every field is either used
 * (forwarded to the backend, in its own wire form), known not to change the answer ({@code user}, {@code metadata}),
 * or refused with 400 naming it (tools, {@code n > 1}, images, log probabilities, any field this gateway does not
 * know), so a client never gets a plausible answer to a question it did not ask.
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

  /**
   * Every top-level field an OpenAI client may send, and what happens to it. A field not listed here is refused,
   * so a new OpenAI parameter is never ignored by accident.
   */
  private static final Set<String> USED = Set.of("model", "messages", "max_tokens", "max_completion_tokens",
      "temperature", "stream", "stream_options", "response_format", "top_p", "seed", "stop", "frequency_penalty",
      "presence_penalty", "n", "tools", "functions", "logprobs", "logit_bias");
  /** Bookkeeping fields that do not change the answer: accepted and not forwarded. */
  private static final Set<String> IGNORED = Set.of("user", "metadata", "store", "service_tier");

  ChatCall read(byte[] body, ModelRequest.CallContext context) throws Rejected {
    ChatCall plain = plain(body, context);
    if (plain != null) return plain;
    JsonNode root;
    try {
      root = json.readTree(body);
    } catch (JsonProcessingException e) {
      // Limits (nesting depth, number length) are reported without a location.
      var where = e.getLocation();
      throw new Rejected(GatewayError.badRequest("invalid_json", null,
          "Request body is not valid JSON: " + clip(e.getOriginalMessage(), 200)
              + (where == null ? "" : " (line " + where.getLineNr() + ", column " + where.getColumnNr() + ")") + "."));
    } catch (IOException | RuntimeException e) {
      throw new Rejected(GatewayError.badRequest("invalid_json", null, "Request body could not be read as JSON."));
    }
    if (root == null || !root.isObject()) {
      throw new Rejected(GatewayError.badRequest("invalid_json", null, "Request body must be a JSON object."));
    }
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (USED.contains(field) || IGNORED.contains(field)) continue;
      if (root.get(field).isNull()) continue;
      throw new Rejected(GatewayError.badRequest("unsupported_parameter", clip(field, 64), unsupportedMessage(field)));
    }

    JsonNode modelNode = root.get("model");
    if (modelNode == null || modelNode.isNull() || (modelNode.isTextual() && modelNode.asText().isEmpty())) {
      throw new Rejected(GatewayError.badRequest("missing_required_parameter", "model",
          "'model' is required: a catalog model name or a routing policy such as 'local-first'."));
    }
    if (!modelNode.isTextual()) {
      throw new Rejected(GatewayError.badRequest("invalid_type", "model", "'model' must be a string."));
    }
    String model = modelNode.asText();
    List<Message> messages = messages(root.get("messages"));
    rejectUnsupported(root);

    Integer maxTokens = positiveInt(root, "max_completion_tokens");
    if (maxTokens == null) maxTokens = positiveInt(root, "max_tokens");
    Double temperature = number(root, "temperature", 0, 2);
    boolean stream = bool(root, "stream");
    boolean includeUsage = false;
    JsonNode so = root.get("stream_options");
    if (so != null && !so.isNull()) {
      if (!so.isObject()) {
        throw new Rejected(GatewayError.badRequest("invalid_type", "stream_options", "'stream_options' must be an object."));
      }
      includeUsage = bool(so, "include_usage");
    }
    Sampling sampling = new Sampling(number(root, "top_p", 0, 1), seed(root), stop(root),
        number(root, "frequency_penalty", -2, 2), number(root, "presence_penalty", -2, 2));

    ResponseFormat format = format(root.get("response_format"));
    // JSON answers are validated as a whole before the client sees them, so they are never streamed token by token.
    boolean streamTokens = stream && format instanceof ResponseFormat.Text;
    ModelRequest request = new ModelRequest(messages, maxTokens, temperature, streamTokens, format, context, sampling);
    return new ChatCall(model, request, stream, includeUsage);
  }

  /** Top-level fields a plain request may have, each with its bit for spotting a repeated field. */
  private static int plainField(String field) {
    return switch (field) {
      case "model" -> 1;
      case "messages" -> 1 << 1;
      case "max_tokens" -> 1 << 2;
      case "temperature" -> 1 << 3;
      case "top_p" -> 1 << 4;
      case "seed" -> 1 << 5;
      case "stop" -> 1 << 6;
      case "frequency_penalty" -> 1 << 7;
      case "presence_penalty" -> 1 << 8;
      case "stream" -> 1 << 9;
      default -> 0;
    };
  }

  /**
   * The plain request, read in one pass without building a tree: a text chat whose every field an OpenAI-compatible
   * server takes as the client wrote it (messages of {@code system}, {@code user} or {@code assistant} text; token
   * cap, temperature, top-p, seed, stop, penalties; no stream). Such a request keeps the client's body, so an
   * OpenAI-compatible route sends it on with only the model name changed ({@link ModelRequest.ClientBody}).
   *
   * <p>This only accepts: anything else (another field, a repeated field, a null, a value out of range, content
   * parts, another role, trailing text, broken JSON) returns {@code null}, and the full reader decides, with its own
   * errors. So a request is refused or served exactly as before; a plain one only takes fewer steps.
   *
   * @return the call, or {@code null} when the request is not plain
   */
  private ChatCall plain(byte[] body, ModelRequest.CallContext context) {
    String model = null;
    int modelStart = -1;
    int modelEnd = -1;
    List<Message> messages = null;
    Integer maxTokens = null;
    Double temperature = null;
    Double topP = null;
    Long seed = null;
    List<String> stop = List.of();
    Double frequencyPenalty = null;
    Double presencePenalty = null;
    // The body is sent on byte for byte, so it must be plain UTF-8: Jackson also reads UTF-16 and UTF-32 (a zero byte
    // among the first two) and skips a byte-order mark, which an upstream may not.
    if (body.length < 2 || body[0] == 0 || body[1] == 0 || (body[0] & 0xFF) == 0xEF) return null;
    try (JsonParser p = json.createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) return null;
      int seen = 0;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        int bit = plainField(field);
        // Jackson's tree keeps the last of two equal names; a server may keep the first. Only the full reader's
        // reading is sent on, so a repeated field never reaches the upstream as written.
        if (bit == 0 || (seen & bit) != 0) return null;
        seen |= bit;
        JsonToken value = p.nextToken();
        switch (field) {
          case "model" -> {
            if (value != JsonToken.VALUE_STRING) return null;
            modelStart = Math.toIntExact(p.currentTokenLocation().getByteOffset());
            model = p.getText();
            modelEnd = Math.toIntExact(p.currentLocation().getByteOffset());
            if (model.isEmpty()) return null;
          }
          case "messages" -> {
            messages = plainMessages(p, value);
            if (messages == null) return null;
          }
          case "max_tokens" -> {
            if (value != JsonToken.VALUE_NUMBER_INT || p.getNumberType() != JsonParser.NumberType.INT
                || p.getIntValue() <= 0) {
              return null;
            }
            maxTokens = p.getIntValue();
          }
          case "temperature" -> {
            if ((temperature = plainNumber(p, value, 0, 2)) == null) return null;
          }
          case "top_p" -> {
            if ((topP = plainNumber(p, value, 0, 1)) == null) return null;
          }
          case "frequency_penalty" -> {
            if ((frequencyPenalty = plainNumber(p, value, -2, 2)) == null) return null;
          }
          case "presence_penalty" -> {
            if ((presencePenalty = plainNumber(p, value, -2, 2)) == null) return null;
          }
          case "seed" -> {
            if (value != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
              return null;
            }
            seed = p.getLongValue();
          }
          case "stop" -> {
            stop = plainStop(p, value);
            if (stop == null) return null;
          }
          // A stream is answered chunk by chunk through the full path.
          case "stream" -> {
            if (value != JsonToken.VALUE_FALSE) return null;
          }
          default -> {
            return null;
          }
        }
      }
      // The tree reader ignores text after the object; a server reading the same bytes may not.
      if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) return null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
    if (model == null || messages == null) return null;
    ModelRequest request = new ModelRequest(messages, maxTokens, temperature, false, ResponseFormat.TEXT, context,
        new Sampling(topP, seed, stop, frequencyPenalty, presencePenalty))
        .withClientBody(new ModelRequest.ClientBody(body, modelStart, modelEnd));
    return new ChatCall(model, request, false, false);
  }

  /** {@return a number within [min, max], or null for anything else} */
  private static Double plainNumber(JsonParser p, JsonToken value, double min, double max) throws IOException {
    if (value != JsonToken.VALUE_NUMBER_INT && value != JsonToken.VALUE_NUMBER_FLOAT) return null;
    double d = p.getDoubleValue();
    return d >= min && d <= max ? d : null;
  }

  /** {@return one to four non-empty stop strings, or null for anything else (the full reader drops empty ones)} */
  private static List<String> plainStop(JsonParser p, JsonToken value) throws IOException {
    if (value == JsonToken.VALUE_STRING) {
      String s = p.getText();
      return s.isEmpty() ? null : List.of(s);
    }
    if (value != JsonToken.START_ARRAY) return null;
    List<String> out = new ArrayList<>(4);
    for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
      if (t != JsonToken.VALUE_STRING || out.size() == 4) return null;
      String s = p.getText();
      if (s.isEmpty()) return null;
      out.add(s);
    }
    return out.isEmpty() ? null : out;
  }

  /** {@return messages of exactly {role, content} with a lower-case system, user or assistant role and text content} */
  private static List<Message> plainMessages(JsonParser p, JsonToken value) throws IOException {
    if (value != JsonToken.START_ARRAY) return null;
    List<Message> out = new ArrayList<>();
    for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
      if (t != JsonToken.START_OBJECT) return null;
      Message.Role role = null;
      String content = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken v = p.nextToken();
        if (v != JsonToken.VALUE_STRING) return null;
        if (name.equals("role") && role == null) {
          role = switch (p.getText()) {
            case "system" -> Message.Role.SYSTEM;
            case "user" -> Message.Role.USER;
            case "assistant" -> Message.Role.ASSISTANT;
            default -> null;
          };
          if (role == null) return null;
        } else if (name.equals("content") && content == null) {
          content = p.getText();
        } else {
          return null;
        }
      }
      if (role == null || content == null) return null;
      out.add(new Message(role, content));
    }
    return out.isEmpty() ? null : out;
  }

  private static String unsupportedMessage(String field) {
    return switch (field) {
      case "tool_choice", "parallel_tool_calls", "function_call" ->
          "'" + field + "' needs tools, and tools are not supported by this gateway; ask for JSON with "
              + "response_format json_schema instead.";
      case "top_logprobs" -> "'top_logprobs' is not supported: this gateway returns no log probabilities.";
      case "modalities", "audio" -> "'" + field + "' is not supported: this gateway answers with text only.";
      default -> "'" + clip(field, 64) + "' is not supported by this gateway; remove it (supported: "
          + String.join(", ", new TreeSet<>(USED)) + ").";
    };
  }

  private static String clip(String s, int max) {
    if (s == null) return "";
    return s.length() <= max ? s : s.substring(0, max) + "...";
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
    if (n != null && !n.isNull()) {
      if (!n.isIntegralNumber()) {
        throw new Rejected(GatewayError.badRequest("invalid_type", "n", "'n' must be an integer (only 1 is supported)."));
      }
      if (!n.canConvertToInt() || n.asInt() != 1) {
        throw new Rejected(GatewayError.badRequest("unsupported_parameter", "n", "Only n = 1 is supported."));
      }
    }
    for (String field : List.of("tools", "functions")) {
      JsonNode f = root.get(field);
      if (f != null && !f.isNull() && !(f.isArray() && f.isEmpty())) {
        throw new Rejected(GatewayError.badRequest("unsupported_parameter", field,
            "'" + field + "' is not supported by this gateway; ask for JSON with response_format json_schema instead."));
      }
    }
    JsonNode logprobs = root.get("logprobs");
    if (logprobs != null && !logprobs.isNull()) {
      if (!logprobs.isBoolean()) {
        throw new Rejected(GatewayError.badRequest("invalid_type", "logprobs", "'logprobs' must be true or false."));
      }
      if (logprobs.asBoolean()) {
        throw new Rejected(GatewayError.badRequest("unsupported_parameter", "logprobs",
            "'logprobs' is not supported: this gateway returns no log probabilities."));
      }
    }
    JsonNode bias = root.get("logit_bias");
    if (bias != null && !bias.isNull() && !(bias.isObject() && bias.isEmpty())) {
      throw new Rejected(GatewayError.badRequest("unsupported_parameter", "logit_bias",
          "'logit_bias' is not supported: token ids differ between the models a route may use."));
    }
  }

  private static Double number(JsonNode root, String field, double min, double max) throws Rejected {
    JsonNode v = root.get(field);
    if (v == null || v.isNull()) return null;
    if (!v.isNumber() || v.asDouble() < min || v.asDouble() > max) {
      throw new Rejected(GatewayError.badRequest("invalid_value", field,
          "'" + field + "' must be a number between " + fmt(min) + " and " + fmt(max) + "."));
    }
    return v.asDouble();
  }

  private static String fmt(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }

  private static Long seed(JsonNode root) throws Rejected {
    JsonNode v = root.get("seed");
    if (v == null || v.isNull()) return null;
    if (!v.isIntegralNumber() || !v.canConvertToLong()) {
      throw new Rejected(GatewayError.badRequest("invalid_type", "seed", "'seed' must be an integer."));
    }
    return v.asLong();
  }

  /** OpenAI takes one string or up to four. */
  private static List<String> stop(JsonNode root) throws Rejected {
    JsonNode v = root.get("stop");
    if (v == null || v.isNull()) return List.of();
    if (v.isTextual()) return v.asText().isEmpty() ? List.of() : List.of(v.asText());
    boolean valid = v.isArray() && v.size() <= 4;
    List<String> out = new ArrayList<>();
    if (valid) {
      for (JsonNode s : v) {
        if (!s.isTextual()) valid = false;
        else if (!s.asText().isEmpty()) out.add(s.asText());
      }
    }
    if (!valid) {
      throw new Rejected(GatewayError.badRequest("invalid_type", "stop",
          "'stop' must be a string or an array of up to 4 strings."));
    }
    return out;
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

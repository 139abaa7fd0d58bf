package dev.spectra.orchestrator.model.anthropic;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.spectra.orchestrator.model.FinishReason;
import dev.spectra.orchestrator.model.Message;
import dev.spectra.orchestrator.model.ModelError;
import dev.spectra.orchestrator.model.ModelException;
import dev.spectra.orchestrator.model.ModelRequest;
import dev.spectra.orchestrator.model.ModelSpec;
import dev.spectra.orchestrator.model.ResponseFormat;
import dev.spectra.orchestrator.model.TokenListener;
import dev.spectra.orchestrator.model.Usage;
import dev.spectra.orchestrator.model.provider.Exchange;
import dev.spectra.orchestrator.model.provider.HttpChatModel;
import dev.spectra.orchestrator.model.provider.HttpFailures;
import dev.spectra.orchestrator.model.provider.Transport;
import dev.spectra.orchestrator.model.provider.WireReply;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;

/**
 * Anthropic Messages, whole or SSE-streamed. Anthropic has no JSON mode: a constrained schema becomes one tool
 * whose {@code input_schema} is the schema, forced with {@code tool_choice}, and the tool input is the answer.
 */
final class AnthropicChat extends HttpChatModel {
  static final String VERSION = "2023-06-01";
  /** The API requires max_tokens; 4096 is what every Claude 3.x model can produce. */
  private static final int DEFAULT_MAX_TOKENS = 4096;
  /** A tool's input must be an object; other schemas are wrapped in this property and unwrapped again. */
  private static final String WRAP = "value";

  private final URI url;
  private final String apiKey;

  AnthropicChat(ModelSpec spec, String apiKey, Transport transport, HttpFailures failures, String unreachableHint) {
    super(spec, transport, failures, unreachableHint);
    this.url = messagesUrl(spec);
    this.apiKey = apiKey;
  }

  static URI messagesUrl(ModelSpec spec) {
    String base = spec.endpoint().toString();
    while (base.endsWith("/")) base = base.substring(0, base.length() - 1);
    return URI.create(base + "/messages");
  }

  @Override protected HttpRequest buildRequest(ModelRequest request) throws ModelException {
    HttpRequest.Builder b = Transport.request(url)
        .header("Content-Type", "application/json")
        .header("anthropic-version", VERSION)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body(request)));
    if (apiKey != null && !apiKey.isBlank()) b.header("x-api-key", apiKey);
    return b.build();
  }

  /** {@return the forced tool's name for this request, or null when no tool is used} */
  static String toolName(ResponseFormat format) {
    if (!(format instanceof ResponseFormat.JsonSchema s) || !s.constrained()) return null;
    // Tool names must match ^[a-zA-Z0-9_-]{1,64}$.
    String name = s.name().replaceAll("[^a-zA-Z0-9_-]", "_");
    if (name.isEmpty()) name = "answer";
    return name.length() > 64 ? name.substring(0, 64) : name;
  }

  static boolean wraps(ResponseFormat format) {
    return format instanceof ResponseFormat.JsonSchema s && s.constrained()
        && !"object".equals(s.schema().path("type").asText(""));
  }

  byte[] body(ModelRequest request) throws ModelException {
    var sampling = request.sampling();
    // The Messages API has no seed and no penalties; sending the call without them would answer another question.
    String unsupported = sampling.seed() != null ? "seed" : sampling.frequencyPenalty() != null ? "frequency_penalty"
        : sampling.presencePenalty() != null ? "presence_penalty" : null;
    if (unsupported != null) {
      throw new ModelException(new ModelError.BadRequest(400, "'" + unsupported + "' is not supported by the "
          + "Anthropic Messages API (model " + spec.name() + "); leave it out or route to an OpenAI-compatible model",
          endpoint()));
    }
    return encode(request, g -> {
      g.writeStartObject();
      g.writeStringField("model", spec.modelId());
      g.writeNumberField("max_tokens", request.maxTokens() != null ? request.maxTokens() : DEFAULT_MAX_TOKENS);
      // System prompts are a top-level field here, not a message role.
      StringBuilder system = new StringBuilder();
      for (Message m : request.messages()) {
        if (m.role() == Message.Role.SYSTEM) system.append(system.isEmpty() ? "" : "\n\n").append(m.content());
      }
      if (!system.isEmpty()) g.writeStringField("system", system.toString());
      g.writeArrayFieldStart("messages");
      for (Message m : request.messages()) {
        if (m.role() == Message.Role.SYSTEM) continue;
        g.writeStartObject();
        g.writeStringField("role", m.role() == Message.Role.USER ? "user" : "assistant");
        g.writeStringField("content", m.content());
        g.writeEndObject();
      }
      g.writeEndArray();
      if (request.temperature() != null) g.writeNumberField("temperature", request.temperature());
      if (sampling.topP() != null) g.writeNumberField("top_p", sampling.topP());
      if (!sampling.stop().isEmpty()) {
        g.writeArrayFieldStart("stop_sequences");
        for (String stop : sampling.stop()) g.writeString(stop);
        g.writeEndArray();
      }
      if (request.stream()) g.writeBooleanField("stream", true);
      String tool = toolName(request.format());
      if (tool != null) {
        ResponseFormat.JsonSchema s = (ResponseFormat.JsonSchema) request.format();
        g.writeArrayFieldStart("tools");
        g.writeStartObject();
        g.writeStringField("name", tool);
        g.writeStringField("description", "Give the answer as this tool's input.");
        g.writeFieldName("input_schema");
        if (wraps(request.format())) {
          g.writeStartObject();
          g.writeStringField("type", "object");
          g.writeObjectFieldStart("properties");
          g.writeFieldName(WRAP);
          g.writeTree(s.schema());
          g.writeEndObject();
          g.writeArrayFieldStart("required");
          g.writeString(WRAP);
          g.writeEndArray();
          g.writeEndObject();
        } else {
          g.writeTree(s.schema());
        }
        g.writeEndObject();
        g.writeEndArray();
        g.writeObjectFieldStart("tool_choice");
        g.writeStringField("type", "tool");
        g.writeStringField("name", tool);
        g.writeEndObject();
      }
      g.writeEndObject();
    });
  }

  @Override protected WireReply readBody(ModelRequest request, byte[] body) throws ModelException {
    JsonNode root = parseJson(body, "the answer");
    if (root.path("type").asText("").equals("error")) throw streamError(root);
    JsonNode content = root.path("content");
    if (!content.isArray()) throw malformed("no content array in the answer");
    StringBuilder text = new StringBuilder();
    String toolInput = null;
    for (JsonNode block : content) {
      switch (block.path("type").asText("")) {
        case "text" -> text.append(block.path("text").asText(""));
        case "tool_use" -> toolInput = toolText(request, block.path("input"));
        default -> { }   // thinking blocks and future types carry no answer text
      }
    }
    boolean forced = toolName(request.format()) != null;
    String answer = forced && toolInput != null ? toolInput : text.toString();
    return new WireReply(answer, usage(root.path("usage"), -1), finish(root.path("stop_reason").asText(null), forced),
        root.path("model").asText(null));
  }

  @Override protected WireReply readStream(ModelRequest request, Exchange exchange, TokenListener listener,
      StringBuilder text) throws IOException, ModelException {
    boolean forced = toolName(request.format()) != null;
    boolean wrapped = wraps(request.format());
    StringBuilder toolJson = new StringBuilder();
    String served = null;
    String stop = null;
    int inputTokens = -1;
    Usage usage = null;
    String line;
    while ((line = exchange.readLine()) != null) {
      if (!line.startsWith("data:")) continue;   // "event:" lines repeat the data's type; blank lines end events
      JsonNode event = parseJson(line.substring(line.length() > 5 && line.charAt(5) == ' ' ? 6 : 5), "a stream event");
      switch (event.path("type").asText("")) {
        case "message_start" -> {
          JsonNode message = event.path("message");
          served = message.path("model").asText(null);
          if (message.path("usage").path("input_tokens").isNumber()) {
            inputTokens = message.path("usage").path("input_tokens").asInt();
          }
        }
        case "content_block_delta" -> {
          JsonNode delta = event.path("delta");
          String kind = delta.path("type").asText("");
          if (kind.equals("text_delta")) {
            String d = delta.path("text").asText("");
            if (!forced) {
              text.append(d);
              listener.onToken(d);
            }
          } else if (kind.equals("input_json_delta")) {
            String d = delta.path("partial_json").asText("");
            toolJson.append(d);
            if (forced && !wrapped) {
              text.append(d);
              listener.onToken(d);
            }
          }
        }
        case "message_delta" -> {
          if (event.path("delta").path("stop_reason").isTextual()) stop = event.path("delta").path("stop_reason").asText();
          Usage u = usage(event.path("usage"), inputTokens);
          if (u != null) usage = u;
        }
        case "message_stop" -> {
          String answer = text.toString();
          if (forced && wrapped) {
            answer = toolText(request, parseJson(toolJson.isEmpty() ? "{}" : toolJson.toString(), "the tool input"));
            listener.onToken(answer);
          }
          return new WireReply(answer, usage, finish(stop, forced), served);
        }
        case "error" -> throw streamError(event);
        default -> { }   // ping, content_block_start/stop
      }
    }
    throw cutOff(text);
  }

  /** {@return the tool input as the reply text: compact JSON, unwrapped when we wrapped a non-object schema} */
  private String toolText(ModelRequest request, JsonNode input) throws ModelException {
    JsonNode value = wraps(request.format()) ? input.path(WRAP) : input;
    try {
      return transport.json().writeValueAsString(value.isMissingNode() ? input : value);
    } catch (IOException e) {
      throw malformed("tool input cannot be written: " + e.getMessage());
    }
  }

  /** An error event inside a 200 stream (overloaded_error, api_error, rate_limit_error). */
  private ModelException streamError(JsonNode event) {
    JsonNode error = event.path("error");
    String type = error.path("type").asText("error");
    String message = failures.scrub(error.path("message").asText(type));
    return new ModelException(switch (type) {
      case "rate_limit_error" -> new ModelError.RateLimited(null, endpoint());
      case "overloaded_error" -> new ModelError.ServerError(529, message, endpoint());
      case "authentication_error", "permission_error" -> new ModelError.AuthFailed(401, endpoint(), failures.authHint());
      case "not_found_error" -> new ModelError.ModelNotFound(spec.modelId(), endpoint(), failures.notFoundHint());
      case "invalid_request_error" -> new ModelError.BadRequest(400, message, endpoint());
      default -> new ModelError.ServerError(500, message, endpoint());
    });
  }

  /** Usage arrives as input_tokens at the start and output_tokens at the end of a stream. */
  private static Usage usage(JsonNode usage, int inputFromStart) {
    if (!usage.path("output_tokens").isNumber()) return null;
    int input = usage.path("input_tokens").isNumber() ? usage.path("input_tokens").asInt() : inputFromStart;
    if (input < 0) return null;
    return new Usage(input, usage.path("output_tokens").asInt(), false);
  }

  private static FinishReason finish(String stop, boolean forcedTool) {
    if (stop == null) return FinishReason.UNKNOWN;
    return switch (stop) {
      case "end_turn", "stop_sequence" -> FinishReason.STOP;
      case "max_tokens" -> FinishReason.LENGTH;
      // With a forced tool the tool input is the answer, so a tool_use stop is a normal end.
      case "tool_use" -> forcedTool ? FinishReason.STOP : FinishReason.TOOL_CALL;
      case "refusal" -> FinishReason.CONTENT_FILTER;
      default -> FinishReason.UNKNOWN;
    };
  }
}

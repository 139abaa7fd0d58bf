package dev.spectra.orchestrator.model.openai;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.spectra.orchestrator.model.Capability;
import dev.spectra.orchestrator.model.FinishReason;
import dev.spectra.orchestrator.model.Message;
import dev.spectra.orchestrator.model.ModelError;
import dev.spectra.orchestrator.model.ModelException;
import dev.spectra.orchestrator.model.ModelRequest;
import dev.spectra.orchestrator.model.ModelSpec;
import dev.spectra.orchestrator.model.ProviderKind;
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

/** OpenAI chat completions over HTTP, plain and SSE-streamed. */
final class OpenAiChat extends HttpChatModel {
  private final URI url;
  private final String authorization;
  /** This server's model id as a JSON string, quotes included: what goes into a client's body in its place. */
  private final byte[] quotedModelId;

  OpenAiChat(ModelSpec spec, String apiKey, Transport transport, HttpFailures failures, String unreachableHint) {
    super(spec, transport, failures, unreachableHint);
    this.url = chatUrl(spec);
    this.authorization = apiKey == null || apiKey.isBlank() ? null : "Bearer " + apiKey;
    try {
      this.quotedModelId = transport.json().writeValueAsBytes(spec.modelId());
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("model id of " + spec.name() + " cannot be written as JSON", e);
    }
  }

  static URI chatUrl(ModelSpec spec) {
    String base = spec.endpoint().toString();
    while (base.endsWith("/")) base = base.substring(0, base.length() - 1);
    return URI.create(base + "/chat/completions");
  }

  @Override protected HttpRequest buildRequest(ModelRequest request) throws ModelException {
    HttpRequest.Builder b = Transport.request(url)
        .header("Content-Type", "application/json")
        .header("Accept", request.stream() ? "text/event-stream" : "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(forwardsClientBody(request)
            ? request.clientBody().withModel(quotedModelId) : body(request)));
    if (authorization != null) b.header("Authorization", authorization);
    return b.build();
  }

  /**
   * {@return true when the client's own body says to this server exactly what {@link #body} would} Then it goes on
   * with only the model id changed, instead of being rebuilt: the gateway's plain requests skip a re-encoding. Only a
   * plain text request carries a client body (the gateway's reader decides that), so the one difference left is
   * OpenAI's own name for the token cap.
   */
  boolean forwardsClientBody(ModelRequest request) {
    return request.clientBody() != null && !request.stream() && request.format() instanceof ResponseFormat.Text
        && (request.maxTokens() == null || spec.kind() != ProviderKind.OPENAI);
  }

  byte[] body(ModelRequest request) throws ModelException {
    return encode(request, g -> {
      g.writeStartObject();
      g.writeStringField("model", spec.modelId());
      g.writeArrayFieldStart("messages");
      for (Message m : request.messages()) {
        g.writeStartObject();
        g.writeStringField("role", role(m.role()));
        g.writeStringField("content", m.content());
        g.writeEndObject();
      }
      g.writeEndArray();
      if (request.maxTokens() != null) {
        // api.openai.com deprecated max_tokens; compatible servers only know max_tokens.
        g.writeNumberField(spec.kind() == ProviderKind.OPENAI ? "max_completion_tokens" : "max_tokens",
            request.maxTokens());
      }
      if (request.temperature() != null) g.writeNumberField("temperature", request.temperature());
      // OpenAI's own names; compatible servers (vLLM, llama.cpp, LM Studio) take the same fields.
      request.sampling().writeOpenAiFields(g);
      if (request.stream()) {
        g.writeBooleanField("stream", true);
        // Without this OpenAI sends no usage in a stream; servers that do not know it ignore it.
        g.writeObjectFieldStart("stream_options");
        g.writeBooleanField("include_usage", true);
        g.writeEndObject();
      }
      writeFormat(g, request.format());
      g.writeEndObject();
    });
  }

  /** The provider rule: native constrained decoding for a constrained schema, else JSON mode when there is one. */
  private void writeFormat(JsonGenerator g, ResponseFormat format) throws IOException {
    if (format instanceof ResponseFormat.JsonSchema s && s.constrained()) {
      if (spec.kind() == ProviderKind.LLAMA_CPP) {
        g.writeFieldName("json_schema");
        g.writeTree(s.schema());
        return;
      }
      if (spec.kind() == ProviderKind.VLLM) {
        g.writeFieldName("guided_json");
        g.writeTree(s.schema());
      }
      g.writeObjectFieldStart("response_format");
      g.writeStringField("type", "json_schema");
      g.writeObjectFieldStart("json_schema");
      g.writeStringField("name", s.name());
      g.writeFieldName("schema");
      g.writeTree(s.schema());
      g.writeBooleanField("strict", spec.kind() == ProviderKind.OPENAI);
      g.writeEndObject();
      g.writeEndObject();
    } else if (!(format instanceof ResponseFormat.Text) && spec.has(Capability.JSON_MODE)) {
      g.writeObjectFieldStart("response_format");
      g.writeStringField("type", "json_object");
      g.writeEndObject();
    }
  }

  private static String role(Message.Role role) {
    return switch (role) {
      case SYSTEM -> "system";
      case USER -> "user";
      case ASSISTANT -> "assistant";
    };
  }

  /**
   * Reads the answer with a streaming parser: only {@code choices[0]}'s message and finish reason, {@code usage} and
   * {@code model} become values; everything else is skipped without building a tree of the whole answer.
   */
  @Override protected WireReply readBody(ModelRequest request, byte[] body) throws ModelException {
    ObjectMapper json = transport.json();
    boolean choiceSeen = false;
    JsonNode message = MissingNode.getInstance();
    String finishText = null;
    Usage usage = null;
    String served = null;
    try (JsonParser p = json.createParser(body)) {
      JsonToken first = p.nextToken();
      if (first == null) throw malformed("the answer is empty");
      if (first != JsonToken.START_OBJECT) throw malformed("expected a JSON object");
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        switch (field) {
          case "error" -> throw malformed("error in a 200 answer: " + json.readTree(p));
          case "choices" -> {
            if (value != JsonToken.START_ARRAY) {
              p.skipChildren();
              choiceSeen = false;
              message = MissingNode.getInstance();
              finishText = null;
              break;
            }
            JsonToken element = p.nextToken();
            choiceSeen = element != JsonToken.END_ARRAY;
            message = MissingNode.getInstance();
            finishText = null;
            if (element == JsonToken.START_OBJECT) {
              while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                if (name.equals("message")) {
                  message = orMissing(json.readTree(p));
                } else if (name.equals("finish_reason")) {
                  finishText = orMissing(json.readTree(p)).asText(null);
                } else {
                  p.skipChildren();
                }
              }
            } else if (choiceSeen) {
              p.skipChildren();
            }
            if (choiceSeen) {
              while (p.nextToken() != JsonToken.END_ARRAY) p.skipChildren();   // choices after the first
            }
          }
          case "usage" -> usage = usage(json.readTree(p));
          case "model" -> served = orMissing(json.readTree(p)).asText(null);
          default -> p.skipChildren();
        }
      }
    } catch (JsonProcessingException e) {
      throw malformed("the answer is not JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw malformed("the answer cannot be read: " + e.getMessage());
    }
    if (!choiceSeen) throw malformed("no choices[0] in the answer");
    FinishReason finish = finish(finishText);
    String text;
    if (message.path("content").isTextual()) {
      text = message.path("content").asText();
    } else if (message.path("refusal").isTextual()) {
      text = message.path("refusal").asText();
      finish = FinishReason.CONTENT_FILTER;
    } else if (message.path("tool_calls").path(0).path("function").path("arguments").isTextual()) {
      text = message.path("tool_calls").path(0).path("function").path("arguments").asText();
    } else if (message.path("content").isNull() || message.path("content").isMissingNode()) {
      text = "";
    } else {
      throw malformed("choices[0].message.content is not text");
    }
    return new WireReply(text, usage, finish, served);
  }

  private static JsonNode orMissing(JsonNode node) {
    return node == null ? MissingNode.getInstance() : node;
  }

  @Override protected WireReply readStream(ModelRequest request, Exchange exchange, TokenListener listener,
      StringBuilder text)
      throws IOException, ModelException {
    FinishReason finish = null;
    Usage usage = null;
    String served = null;
    boolean done = false;
    String line;
    while ((line = exchange.readLine()) != null) {
      if (line.isEmpty() || line.charAt(0) == ':' || !line.startsWith("data:")) continue;   // SSE comments, event names
      String data = line.substring(line.length() > 5 && line.charAt(5) == ' ' ? 6 : 5);
      if (data.equals("[DONE]")) {
        done = true;
        break;
      }
      JsonNode chunk = parseJson(data, "a stream event");
      if (chunk.has("error")) {
        throw new ModelException(new ModelError.ServerError(200,
            failures.scrub(String.valueOf(chunk.get("error"))), endpoint()));
      }
      if (served == null && chunk.path("model").isTextual()) served = chunk.get("model").asText();
      JsonNode choice = chunk.path("choices").path(0);
      JsonNode content = choice.path("delta").path("content");
      if (content.isTextual() && !content.asText().isEmpty()) {
        String delta = content.asText();
        text.append(delta);
        listener.onToken(delta);
      }
      JsonNode fr = choice.path("finish_reason");
      if (fr.isTextual()) finish = finish(fr.asText());
      Usage u = usage(chunk.get("usage"));
      if (u != null) usage = u;
    }
    // A finish_reason is the model's own end; [DONE] is the server's. Either is a complete answer.
    if (!done && finish == null) throw cutOff(text);
    return new WireReply(text.toString(), usage, finish == null ? FinishReason.UNKNOWN : finish, served);
  }

  static Usage usage(JsonNode usage) {
    if (usage == null || !usage.isObject() || !usage.has("prompt_tokens")) return null;
    return new Usage(usage.path("prompt_tokens").asInt(), usage.path("completion_tokens").asInt(), false);
  }

  static FinishReason finish(String reason) {
    if (reason == null) return FinishReason.UNKNOWN;
    return switch (reason) {
      case "stop", "eos", "end_turn" -> FinishReason.STOP;
      case "length", "max_tokens" -> FinishReason.LENGTH;
      case "tool_calls", "function_call" -> FinishReason.TOOL_CALL;
      case "content_filter" -> FinishReason.CONTENT_FILTER;
      default -> FinishReason.UNKNOWN;
    };
  }
}

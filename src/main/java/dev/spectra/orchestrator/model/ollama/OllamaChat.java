package dev.spectra.orchestrator.model.ollama;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.spectra.orchestrator.model.Capability;
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
import java.util.function.Consumer;

/** Ollama {@code /api/chat}, whole or NDJSON-streamed. */
final class OllamaChat extends HttpChatModel {
  /** JSON mode can run away into endless whitespace (ollama/ollama#7603): cap output when nobody did. */
  private static final int JSON_OUTPUT_CAP = 4096;

  private final URI url;
  private final String keepAlive;
  private final Consumer<String> warnings;

  OllamaChat(ModelSpec spec, Transport transport, HttpFailures failures, String keepAlive, Consumer<String> warnings) {
    super(spec, transport, failures, OllamaProvider.serveHint());
    this.url = url(spec.endpoint(), "/api/chat");
    this.keepAlive = keepAlive;
    this.warnings = warnings == null ? w -> {} : warnings;
  }

  static URI url(URI base, String path) {
    String b = base.toString();
    while (b.endsWith("/")) b = b.substring(0, b.length() - 1);
    return URI.create(b + path);
  }

  /**
   * Ollama cuts a prompt longer than num_ctx without an error, so say it here. Counting is skipped for prompts
   * shorter in characters than the window: a token is at least one character for these tokenizers.
   */
  @Override protected void beforeSend(ModelRequest request) {
    int chars = 0;
    for (Message m : request.messages()) chars += m.content().length();
    if (chars < spec.contextWindow()) return;
    int tokens = transport.tokens().countPrompt(request.messages());
    if (tokens > spec.contextWindow()) {
      warnings.accept("prompt of about " + tokens + " tokens exceeds the context window of " + spec.name() + " ("
          + spec.contextWindow() + " tokens, sent as num_ctx); Ollama drops the start of the prompt. Use a model with "
          + "a larger context-window.");
    }
  }

  @Override protected HttpRequest buildRequest(ModelRequest request) throws ModelException {
    return Transport.request(url)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body(request)))
        .build();
  }

  byte[] body(ModelRequest request) throws ModelException {
    return encode(request, g -> {
      g.writeStartObject();
      g.writeStringField("model", spec.modelId());
      g.writeArrayFieldStart("messages");
      for (Message m : request.messages()) {
        g.writeStartObject();
        g.writeStringField("role", m.role().name().toLowerCase(java.util.Locale.ROOT));
        g.writeStringField("content", m.content());
        g.writeEndObject();
      }
      g.writeEndArray();
      // Ollama streams unless told otherwise.
      g.writeBooleanField("stream", request.stream());
      boolean json = writeFormat(g, request.format());
      g.writeObjectFieldStart("options");
      g.writeNumberField("num_ctx", spec.contextWindow());
      Integer cap = request.maxTokens() != null ? request.maxTokens() : json ? JSON_OUTPUT_CAP : null;
      if (cap != null) g.writeNumberField("num_predict", cap);
      if (request.temperature() != null) g.writeNumberField("temperature", request.temperature());
      // Ollama takes the sampling settings inside options, under OpenAI's names.
      request.sampling().writeOpenAiFields(g);
      g.writeEndObject();
      if (keepAlive != null) g.writeStringField("keep_alive", keepAlive);
      g.writeEndObject();
    });
  }

  /** {@code format} takes a schema (constrained decoding, Ollama 0.5+) or "json" (JSON mode). */
  private boolean writeFormat(JsonGenerator g, ResponseFormat format) throws IOException {
    if (format instanceof ResponseFormat.JsonSchema s && s.constrained()) {
      g.writeFieldName("format");
      g.writeTree(s.schema());
      return true;
    }
    if (!(format instanceof ResponseFormat.Text) && spec.has(Capability.JSON_MODE)) {
      g.writeStringField("format", "json");
      return true;
    }
    return !(format instanceof ResponseFormat.Text);
  }

  @Override protected WireReply readBody(ModelRequest request, byte[] body) throws ModelException {
    JsonNode root = parseJson(body, "the answer");
    if (root.path("error").isTextual()) throw serverError(root);
    JsonNode content = root.path("message").path("content");
    if (!content.isTextual()) throw malformed("no message.content in the answer");
    return new WireReply(content.asText(), usage(root), finish(root), root.path("model").asText(null));
  }

  @Override protected WireReply readStream(ModelRequest request, Exchange exchange, TokenListener listener,
      StringBuilder text)
      throws IOException, ModelException {
    String served = null;
    String line;
    while ((line = exchange.readLine()) != null) {
      if (line.isBlank()) continue;
      JsonNode chunk = parseJson(line, "a stream line");
      if (chunk.path("error").isTextual()) throw serverError(chunk);
      if (served == null && chunk.path("model").isTextual()) served = chunk.get("model").asText();
      JsonNode content = chunk.path("message").path("content");
      if (content.isTextual() && !content.asText().isEmpty()) {
        String delta = content.asText();
        text.append(delta);
        listener.onToken(delta);
      }
      if (chunk.path("done").asBoolean(false)) {
        return new WireReply(text.toString(), usage(chunk), finish(chunk), served);
      }
    }
    throw cutOff(text);
  }

  /** An error object in a 200 answer: the runner crashed or ran out of memory mid-generation. */
  private ModelException serverError(JsonNode node) {
    return new ModelException(new ModelError.ServerError(500, failures.scrub(node.path("error").asText()), endpoint()));
  }

  /**
   * Ollama leaves out prompt_eval_count when the prompt came from its cache, so a missing count is estimated
   * and the usage is marked estimated, never guessed as zero.
   */
  private Usage usage(JsonNode done) {
    boolean hasPrompt = done.path("prompt_eval_count").isNumber();
    boolean hasCompletion = done.path("eval_count").isNumber();
    if (!hasPrompt && !hasCompletion) return null;
    if (hasPrompt && hasCompletion) {
      return new Usage(done.get("prompt_eval_count").asInt(), done.get("eval_count").asInt(), false);
    }
    return null;
  }

  private static FinishReason finish(JsonNode done) {
    String reason = done.path("done_reason").asText("");
    return switch (reason) {
      case "stop" -> FinishReason.STOP;
      case "length" -> FinishReason.LENGTH;
      default -> done.path("done").asBoolean(false) && reason.isEmpty() ? FinishReason.STOP : FinishReason.UNKNOWN;
    };
  }
}

package dev.spectra.orchestrator.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the three protocol front ends share: options, the responder, the tokenizer, JSON, the served model ids
 * and an id sequence for response ids.
 */
record Backend(SimOptions options, Responder responder, Tokenizer tokenizer, ObjectMapper mapper,
    List<String> servedModels, AtomicLong ids) {

  /** Model names listed when nothing restricts the served ids: the seed's catalog, as Ollama and cloud name them. */
  static final List<String> SEED_LOCAL_MODELS = List.of("mistral:7b-instruct-v0.3", "mistral-nemo:12b",
      "mistral-small:22b", "llama3.1:70b", "llama3.3:70b", "qwen2.5-coder:32b", "deepseek-coder-v2:236b");
  static final List<String> SEED_CLOUD_MODELS = List.of("gpt-4o-mini", "gpt-4-turbo", "claude-3-5-sonnet-20241022");

  /** Ctx attribute holding the decision note, read by the request log after the reply is sent. */
  static final String NOTE = "sim.note";

  /** Decides the outcome and keeps its note on the exchange for the request log. */
  Outcome decide(Context ctx, SimRequest req) {
    Responder.Decision d = responder.decide(req);
    ctx.attribute(NOTE, d.note());
    return d.outcome();
  }

  boolean serves(String model) {
    return servedModels.isEmpty() || servedModels.contains(model);
  }

  List<String> listedLocal() {
    return servedModels.isEmpty() ? SEED_LOCAL_MODELS : servedModels;
  }

  List<String> listedAll() {
    if (!servedModels.isEmpty()) return servedModels;
    return java.util.stream.Stream.concat(SEED_LOCAL_MODELS.stream(), SEED_CLOUD_MODELS.stream()).toList();
  }

  /** {@return a fresh id suffix: deterministic per simulator (seed and sequence), distinct per response} */
  String nextId(int hexChars) {
    long n = ids.incrementAndGet();
    long mixed = new java.util.SplittableRandom(options.seed() ^ (n * 0x9E3779B97F4A7C15L)).nextLong();
    String hex = HexFormat.of().toHexDigits(mixed) + HexFormat.of().toHexDigits(Long.rotateLeft(mixed, 29) ^ n);
    return hex.substring(0, Math.min(hexChars, hex.length()));
  }

  /** {@return the parsed JSON body, or null when it is absent or not JSON} */
  JsonNode body(Context ctx) {
    String raw = ctx.body();
    if (raw.isBlank()) return null;
    try {
      JsonNode n = mapper.readTree(raw);
      return n != null && n.isObject() ? n : null;
    } catch (java.io.IOException e) {
      return null;
    }
  }

  /** Text of a message content: a string, or an array of parts whose {@code text} fields are joined. */
  static String contentText(JsonNode content) {
    if (content == null || content.isNull() || content.isMissingNode()) return "";
    if (content.isTextual()) return content.asText();
    if (content.isArray()) {
      StringBuilder sb = new StringBuilder();
      for (JsonNode part : content) {
        if (part.isTextual()) sb.append(part.asText());
        else if (part.has("text")) sb.append(part.get("text").asText());
        else if (part.has("content")) sb.append(contentText(part.get("content")));
      }
      return sb.toString();
    }
    return content.toString();
  }

  String json(Object value) {
    try {
      return mapper.writeValueAsString(value);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise a tree we built", e);
    }
  }

  /** Holds a non-streamed reply back as long as streaming it would have taken. */
  void pauseForWholeReply(Outcome.Answer a, int pieces) {
    ResponseStream.pause(a.firstToken());
    if (!a.perChunk().isZero()) ResponseStream.pause(a.perChunk().multipliedBy(Math.max(0, pieces - 1)));
  }

  static void retryAfter(Context ctx, Duration retryAfter) {
    if (retryAfter == null) return;
    long ms = retryAfter.toMillis();
    // RFC 9110 Retry-After is whole seconds; OpenAI also sends retry-after-ms for sub-second precision.
    ctx.header("Retry-After", String.valueOf((ms + 999) / 1000));
    ctx.header("retry-after-ms", String.valueOf(ms));
  }
}

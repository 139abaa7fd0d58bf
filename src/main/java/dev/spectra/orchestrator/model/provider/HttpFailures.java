package dev.spectra.orchestrator.model.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spectra.orchestrator.model.ModelError;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * Turns a non-2xx HTTP answer into a {@link ModelError}. The three protocols share their status semantics
 * (401/403 auth, 429 rate limit with Retry-After, 5xx server) and differ in wording, so each provider passes
 * its own hints.
 *
 * @param endpoint the URL to name in messages
 * @param modelId the model id that was asked for
 * @param contextWindow the spec's window, for context-length errors
 * @param authHint what to do on 401/403 (names the key's environment variable, never its value)
 * @param notFoundHint what to do when the model is missing (e.g. {@code ollama pull NAME})
 * @param secret a key to scrub from server text (some servers echo it), or null
 */
public record HttpFailures(String endpoint, String modelId, int contextWindow, String authHint, String notFoundHint,
    String secret) {

  private static final int MAX_DETAIL = 300;

  /** {@return the error for HTTP {@code status} with {@code body} and the raw Retry-After header (may be null)} */
  public ModelError fromStatus(int status, String body, String retryAfter, ObjectMapper json, Instant now) {
    String detail = scrub(detail(body, json));
    String lower = detail.toLowerCase(Locale.ROOT);
    if (status == 401 || status == 403) return new ModelError.AuthFailed(status, endpoint, authHint);
    if (status == 429) return new ModelError.RateLimited(parseRetryAfter(retryAfter, now), endpoint);
    if (status == 413 || mentionsContext(lower)) return new ModelError.ContextTooLong(-1, contextWindow, endpoint);
    if (mentionsMissingModel(lower, status)) return new ModelError.ModelNotFound(modelId, endpoint, notFoundHint);
    if (status >= 500) return new ModelError.ServerError(status, detail, endpoint);
    return new ModelError.BadRequest(status, detail.isEmpty() ? "(no detail)" : detail, endpoint);
  }

  /** {@return {@code text} with the secret replaced, for anything that may reach a user or a log} */
  public String scrub(String text) {
    if (text == null) return "";
    if (secret == null || secret.isEmpty()) return text;
    return text.replace(secret, "[redacted]");
  }

  private static boolean mentionsContext(String lower) {
    return lower.contains("context length") || lower.contains("context_length") || lower.contains("maximum context")
        || lower.contains("prompt is too long") || lower.contains("context window") || lower.contains("too many tokens");
  }

  private static boolean mentionsMissingModel(String lower, int status) {
    if (!lower.contains("model")) return false;
    return status == 404 || lower.contains("not found") || lower.contains("does not exist")
        || lower.contains("model_not_found") || lower.contains("try pulling");
  }

  /** Pulls the human message out of the usual error shapes; falls back to the raw text, shortened. */
  static String detail(String body, ObjectMapper json) {
    if (body == null || body.isBlank()) return "";
    String text = body.strip();
    try {
      JsonNode root = json.readTree(text);
      JsonNode error = root.path("error");
      if (error.isTextual()) text = error.asText();                          // Ollama: {"error": "..."}
      else if (error.path("message").isTextual()) {                          // OpenAI, Anthropic
        text = error.path("message").asText();
        String code = error.path("code").asText(error.path("type").asText(""));
        if (!code.isEmpty() && !text.contains(code)) text = text + " [" + code + "]";
      } else if (root.path("message").isTextual()) text = root.path("message").asText();
    } catch (Exception notJson) {
      // A proxy's HTML error page or plain text: keep it as it is.
    }
    return text.length() > MAX_DETAIL ? text.substring(0, MAX_DETAIL) + "..." : text;
  }

  /** Retry-After is either delay-seconds or an HTTP-date (RFC 9110 section 10.2.3). */
  static Duration parseRetryAfter(String value, Instant now) {
    if (value == null || value.isBlank()) return null;
    String v = value.strip();
    try {
      double seconds = Double.parseDouble(v);
      return seconds < 0 ? Duration.ZERO : Duration.ofMillis((long) (seconds * 1000));
    } catch (NumberFormatException notSeconds) {
      try {
        Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        Duration d = Duration.between(now, at);
        return d.isNegative() ? Duration.ZERO : d;
      } catch (DateTimeParseException notADate) {
        return null;
      }
    }
  }
}

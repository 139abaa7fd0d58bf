package dev.spectra.orchestrator.gateway;

import dev.spectra.orchestrator.model.ModelError;
import java.time.Duration;

/**
 * A failure the client sees, in OpenAI's error shape ({@code {"error":{"message","type","param","code"}}}) with the
 * HTTP status an OpenAI client expects for it. Messages are redacted before they leave the server.
 *
 * @param status HTTP status
 * @param type OpenAI error type ({@code invalid_request_error}, {@code authentication_error}, ...)
 * @param code a stable machine-readable code, also the {@code failures_total} metric label
 * @param param the request field at fault, or {@code null}
 * @param message what went wrong and what to do
 * @param retryAfter sent as {@code Retry-After} when not null
 */
record GatewayError(int status, String type, String code, String param, String message, Duration retryAfter) {

  static GatewayError badRequest(String code, String param, String message) {
    return new GatewayError(400, "invalid_request_error", code, param, message, null);
  }

  static GatewayError modelNotFound(String model) {
    // Names are echoed clipped: a client can send megabytes of model name.
    String shown = model.length() <= 80 ? model : model.substring(0, 80) + "...";
    return new GatewayError(404, "invalid_request_error", "model_not_found", "model",
        "The model '" + shown + "' does not exist on this gateway (names are matched exactly). GET /v1/models lists the catalog models and "
            + "routing policies (local-first, hybrid, ...).", null);
  }

  static GatewayError missingKey() {
    return new GatewayError(401, "authentication_error", "missing_api_key", null, "Missing gateway API key: send "
        + "'Authorization: Bearer <key>' (create one with 'orchestrator keys create').", null);
  }

  static GatewayError storeUnavailable() {
    return new GatewayError(503, "server_error", "store_unavailable", null,
        "The gateway cannot reach its key and budget database right now; retry shortly.", Duration.ofSeconds(1));
  }

  static GatewayError methodNotAllowed(String method, String path) {
    return new GatewayError(405, "invalid_request_error", "method_not_allowed", null,
        "Method " + method + " is not allowed on " + path + ".", null);
  }

  static GatewayError unauthorized(String message) {
    return new GatewayError(401, "authentication_error", "invalid_api_key", null, message, null);
  }

  static GatewayError tooLarge(long limit) {
    return new GatewayError(413, "invalid_request_error", "request_too_large", null,
        "Request body exceeds the gateway limit of " + limit + " bytes; send a shorter conversation or raise "
            + "serve --max-body-bytes.", null);
  }

  static GatewayError rateLimited(String keyId, int rpm, Duration retryAfter) {
    return new GatewayError(429, "rate_limit_error", "rate_limit_exceeded", null,
        "Rate limit of " + rpm + " requests per minute reached for key " + keyId + "; retry after "
            + Math.max(1, (retryAfter.toMillis() + 999) / 1000) + " s.", retryAfter);
  }

  static GatewayError keyBudgetExhausted(String keyId, String spent, String limit) {
    return new GatewayError(429, "insufficient_quota", "budget_exhausted", null,
        "Budget of key " + keyId + " is exhausted: spent " + spent + " of " + limit
            + ". Create a key with a larger --budget or revoke and replace this one.", null);
  }

  static GatewayError draining() {
    return new GatewayError(503, "server_error", "draining", null,
        "The gateway is shutting down and accepts no new requests; retry against a running instance.",
        Duration.ofSeconds(1));
  }

  static GatewayError notFound(String path) {
    return new GatewayError(404, "invalid_request_error", "unknown_url", null,
        "Unknown endpoint " + path + ". This gateway serves POST /v1/chat/completions, GET /v1/models, GET /health "
            + "and GET /metrics.", null);
  }

  static GatewayError internal(String message) {
    return new GatewayError(500, "server_error", "internal_error", null, message, null);
  }

  /**
   * Maps the cascade's final error to what an OpenAI client expects. Upstream authentication and "model not found"
   * become 502, not 401/404: they are the gateway's configuration problem, and a 401 would make the client think its
   * own key is wrong.
   */
  static GatewayError fromModelError(ModelError error, String requestedModel) {
    String code = error.type();
    String message = error.message();
    return switch (error) {
      case ModelError.BadRequest b -> new GatewayError(400, "invalid_request_error", code, null, message, null);
      case ModelError.ContextTooLong c ->
          new GatewayError(400, "invalid_request_error", "context_length_exceeded", "messages", message, null);
      case ModelError.InvalidOutput i -> new GatewayError(422, "invalid_output_error", code, "response_format",
          "No route of '" + requestedModel + "' produced output conforming to the requested format: " + message, null);
      case ModelError.BudgetExhausted b -> new GatewayError(429, "insufficient_quota", "budget_exhausted", null,
          message, null);
      case ModelError.RateLimited r -> new GatewayError(429, "rate_limit_error", code, null, message, r.retryAfter());
      case ModelError.Timeout t -> new GatewayError(504, "upstream_error", code, null, message, null);
      case ModelError.ConnectionRefused c -> new GatewayError(502, "upstream_error", code, null, message, null);
      case ModelError.AuthFailed a -> new GatewayError(502, "upstream_error", code, null, message, null);
      case ModelError.ModelNotFound m -> new GatewayError(502, "upstream_error", code, null, message, null);
      case ModelError.ServerError s -> new GatewayError(502, "upstream_error", code, null, message, null);
      case ModelError.MalformedResponse m -> new GatewayError(502, "upstream_error", code, null, message, null);
      case ModelError.StreamCutOff s -> new GatewayError(502, "upstream_error", code, null, message, null);
      case ModelError.CircuitOpen c -> new GatewayError(503, "upstream_error", code, null, message, null);
      case ModelError.ArtifactFailed a -> new GatewayError(500, "server_error", code, null, message, null);
    };
  }

  GatewayError redacted(Redactor redactor) {
    return new GatewayError(status, type, code, param, redactor.redact(message), retryAfter);
  }
}

package dev.spectra.orchestrator.model;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Every way a model call can fail, as one closed set. Provider adapters turn edge I/O failures into these;
 * the structured engine adds {@link InvalidOutput}; the cascade adds {@link CircuitOpen} and
 * {@link BudgetExhausted}; callers report {@link ArtifactFailed}. Consumers switch over it exhaustively.
 *
 * <p>Every {@link #message()} names the endpoint or model and says what to do. None ever contains an API key.
 */
public sealed interface ModelError {

  /** {@return a one-line explanation for the user, naming what failed and how to fix it} */
  String message();

  /**
   * {@return a short stable identifier for ledgers, metrics and JSON output}; spelled out per variant, so renaming
   * a record cannot change what old ledger rows mean
   */
  default String type() {
    return switch (this) {
      case ConnectionRefused e -> "connection_refused";
      case Timeout e -> "timeout";
      case RateLimited e -> "rate_limited";
      case AuthFailed e -> "auth_failed";
      case ModelNotFound e -> "model_not_found";
      case ContextTooLong e -> "context_too_long";
      case BadRequest e -> "bad_request";
      case ServerError e -> "server_error";
      case MalformedResponse e -> "malformed_response";
      case StreamCutOff e -> "stream_cut_off";
      case InvalidOutput e -> "invalid_output";
      case CircuitOpen e -> "circuit_open";
      case BudgetExhausted e -> "budget_exhausted";
      case ArtifactFailed e -> "artifact_failed";
    };
  }

  /** Nothing listens at the endpoint. */
  record ConnectionRefused(String endpoint, String hint) implements ModelError {
    public String message() {
      return "cannot connect to " + endpoint + (hint == null || hint.isBlank() ? "" : ": " + hint);
    }
  }

  /** A time limit passed; which one matters (a loading model is slow to its first token, not dead). */
  record Timeout(Phase phase, Duration after, String endpoint) implements ModelError {
    public enum Phase { CONNECT, FIRST_TOKEN, TOTAL }

    public String message() {
      String what = switch (phase) {
        case CONNECT -> "connecting to";
        case FIRST_TOKEN -> "waiting for the first token from";
        case TOTAL -> "waiting for the whole answer from";
      };
      return "timed out after " + after.toMillis() + " ms " + what + " " + endpoint
          + (phase == Phase.FIRST_TOKEN ? " (a local model may still be loading: raise timeouts.first-token)" : "");
    }
  }

  /** HTTP 429. {@code retryAfter} is null when the server gave no Retry-After. */
  record RateLimited(Duration retryAfter, String endpoint) implements ModelError {
    public String message() {
      return "rate limited by " + endpoint + (retryAfter == null ? "" : "; retry after " + retryAfter.toMillis() + " ms");
    }
  }

  /** HTTP 401/403. */
  record AuthFailed(int status, String endpoint, String hint) implements ModelError {
    public String message() {
      return "authentication failed at " + endpoint + " (HTTP " + status + ")" + (hint == null ? "" : ": " + hint);
    }
  }

  /** The server does not have the model. {@code hint} says how to get it (e.g. {@code ollama pull NAME}). */
  record ModelNotFound(String model, String endpoint, String hint) implements ModelError {
    public String message() {
      return "model '" + model + "' not found at " + endpoint + (hint == null ? "" : ": " + hint);
    }
  }

  /** The prompt does not fit the model's context window. Either count may be -1 when unknown. */
  record ContextTooLong(int promptTokens, int contextWindow, String endpoint) implements ModelError {
    public String message() {
      return "prompt of " + (promptTokens < 0 ? "?" : promptTokens) + " tokens does not fit the context window ("
          + (contextWindow < 0 ? "?" : contextWindow) + ") at " + endpoint + "; use a model with a larger window";
    }
  }

  /** HTTP 400/404/422 other than the above: our request was wrong for this server. */
  record BadRequest(int status, String detail, String endpoint) implements ModelError {
    public String message() {
      return "request rejected by " + endpoint + " (HTTP " + status + "): " + detail;
    }
  }

  /** HTTP 5xx. */
  record ServerError(int status, String body, String endpoint) implements ModelError {
    public String message() {
      return "server error from " + endpoint + " (HTTP " + status + ")" + (body == null || body.isBlank() ? "" : ": " + body);
    }
  }

  /** The server answered 200 with a body we cannot read as its protocol. */
  record MalformedResponse(String detail, String endpoint) implements ModelError {
    public String message() {
      return "malformed response from " + endpoint + ": " + detail;
    }
  }

  /** A streamed answer ended before the protocol's end marker. */
  record StreamCutOff(String partialText, String endpoint) implements ModelError {
    public String message() {
      return "stream from " + endpoint + " was cut off after " + partialText.length() + " characters";
    }
  }

  /**
   * The model answered, but no conforming value could be obtained without guessing, even after re-asking.
   *
   * @param violations what is wrong, each naming a JSON pointer where one applies
   * @param raw the model's text, for the report
   */
  record InvalidOutput(Kind kind, List<String> violations, String raw, String model) implements ModelError {
    public enum Kind { UNPARSEABLE, SCHEMA_INVALID, TRUNCATED, REFUSED, EMPTY }

    public InvalidOutput {
      violations = List.copyOf(violations);
    }

    public String message() {
      String first = violations.isEmpty() ? "" : ": " + violations.get(0)
          + (violations.size() > 1 ? " (and " + (violations.size() - 1) + " more)" : "");
      return "output of " + model + " is " + kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + first;
    }
  }

  /** A circuit breaker is open for this model's endpoint after repeated failures. */
  record CircuitOpen(String model, String endpoint, Instant until) implements ModelError {
    public String message() {
      return "skipping " + model + ": " + endpoint + " failed repeatedly; next probe after " + until;
    }
  }

  /** A budget would be exceeded. {@code howToRaise} names the flag or config key. */
  record BudgetExhausted(String budget, Money spent, Money limit, String howToRaise) implements ModelError {
    public String message() {
      return budget + " budget exhausted: spent " + spent + " of " + limit + "; " + howToRaise;
    }
  }

  /** The caller found the answer unusable: generated code did not compile, tests failed, a schema failed. */
  record ArtifactFailed(String artifact, String detail) implements ModelError {
    public String message() {
      return artifact + " failed: " + detail;
    }
  }
}

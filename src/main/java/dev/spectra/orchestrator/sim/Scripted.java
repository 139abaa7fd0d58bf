package dev.spectra.orchestrator.sim;

import java.time.Duration;
import java.util.Objects;

/**
 * One canned step of a simulator script: a reply or a fault, consumed by the next request for its model id.
 * Scripted steps run before the profile; when a model's queue (and the {@code "*"} queue) is empty the profile
 * answers.
 */
public sealed interface Scripted {

  /** A normal reply with this text ({@code finish_reason: stop}), truncated at the request's token cap. */
  record Text(String text) implements Scripted {
    public Text { Objects.requireNonNull(text, "text"); }
  }

  /** A reply cut off by the token limit: the text as given, with {@code finish_reason: length}. */
  record Truncated(String partial) implements Scripted {
    public Truncated { Objects.requireNonNull(partial, "partial"); }
  }

  /**
   * An HTTP error. A body that parses as JSON is sent unchanged; any other body becomes the message of the
   * protocol's own error object.
   */
  record Status(int status, String body) implements Scripted {
    public Status {
      if (status < 100 || status > 599) throw new IllegalArgumentException("HTTP status must be 100..599: " + status);
      body = body == null ? "" : body;
    }
  }

  /** HTTP 429 with a {@code Retry-After} header (whole seconds, rounded up) and {@code retry-after-ms}. */
  record RateLimited(Duration retryAfter) implements Scripted {
    public RateLimited {
      Objects.requireNonNull(retryAfter, "retryAfter");
      if (retryAfter.isNegative()) throw new IllegalArgumentException("retryAfter must be >= 0");
    }
  }

  /** A normal reply whose headers and first token arrive only after {@code delay}. */
  record SlowFirstToken(Duration delay, String text) implements Scripted {
    public SlowFirstToken {
      Objects.requireNonNull(delay, "delay");
      Objects.requireNonNull(text, "text");
    }
  }

  /** A normal reply streamed with a pause of {@code perChunk} before every chunk after the first. */
  record SlowDrip(Duration perChunk, String text) implements Scripted {
    public SlowDrip {
      Objects.requireNonNull(perChunk, "perChunk");
      Objects.requireNonNull(text, "text");
    }
  }

  /**
   * The server sends {@code partialText} and then drops the connection without the protocol's end marker
   * (no {@code [DONE]}, no {@code done:true}, no {@code message_stop}; a short body for non-streaming calls).
   */
  record ResetMidStream(String partialText) implements Scripted {
    public ResetMidStream { Objects.requireNonNull(partialText, "partialText"); }
  }

  /** HTTP 200 whose body breaks the protocol: not JSON at all, or JSON without the reply fields. */
  record MalformedBody(Kind kind) implements Scripted {
    public enum Kind { NOT_JSON, MISSING_FIELDS }

    public MalformedBody { Objects.requireNonNull(kind, "kind"); }
  }

  /** A normal reply without any usage block (the client must estimate tokens). */
  record NoUsage(String text) implements Scripted {
    public NoUsage { Objects.requireNonNull(text, "text"); }
  }

  static Scripted text(String text) { return new Text(text); }

  /** Same as {@link #text}: the raw text of a JSON answer, sent verbatim. */
  static Scripted json(String rawText) { return new Text(rawText); }

  static Scripted truncated(String partial) { return new Truncated(partial); }

  static Scripted status(int status, String body) { return new Status(status, body); }

  static Scripted rateLimited(Duration retryAfter) { return new RateLimited(retryAfter); }

  static Scripted slowFirstToken(Duration delay, String text) { return new SlowFirstToken(delay, text); }

  static Scripted slowDrip(Duration perChunk, String text) { return new SlowDrip(perChunk, text); }

  static Scripted resetMidStream(String partialText) { return new ResetMidStream(partialText); }

  /** A 200 whose body is not JSON (an HTML error page from a proxy, say). */
  static Scripted malformedBody() { return new MalformedBody(MalformedBody.Kind.NOT_JSON); }

  /** A 200 whose body is JSON but lacks the reply ({@code choices}, {@code message} or {@code content}). */
  static Scripted missingFields() { return new MalformedBody(MalformedBody.Kind.MISSING_FIELDS); }

  static Scripted noUsage(String text) { return new NoUsage(text); }
}

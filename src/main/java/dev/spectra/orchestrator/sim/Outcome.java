package dev.spectra.orchestrator.sim;

import java.time.Duration;

/** What the simulator decided to do with one request; each protocol renders it in its own wire format. */
sealed interface Outcome {

  /**
   * A reply.
   *
   * @param text the whole text to send (the tool input JSON for an Anthropic tool call)
   * @param truncated the token limit cut it off ({@code length} / {@code max_tokens})
   * @param usage include a usage block
   * @param firstToken pause before the headers and first token
   * @param perChunk pause before every later chunk
   * @param cutOff drop the connection after the text, without the protocol's end marker
   */
  record Answer(String text, boolean truncated, boolean usage, Duration firstToken, Duration perChunk,
      boolean cutOff) implements Outcome {
    static Answer of(String text) {
      return new Answer(text, false, true, Duration.ZERO, Duration.ZERO, false);
    }

    Answer withText(String newText, boolean newTruncated) {
      return new Answer(newText, newTruncated, usage, firstToken, perChunk, cutOff);
    }

    Answer withTiming(Duration newFirstToken, Duration newPerChunk) {
      return new Answer(text, truncated, usage, newFirstToken, newPerChunk, cutOff);
    }
  }

  /**
   * An HTTP error.
   *
   * @param rawBody a JSON body to send verbatim, or null to build the protocol's error object from {@code message}
   * @param retryAfter the Retry-After to announce, or null
   */
  record Failure(int status, String message, String rawBody, Duration retryAfter) implements Outcome {}

  /** A 200 with a body that breaks the protocol. */
  record Malformed(Scripted.MalformedBody.Kind kind) implements Outcome {}
}

package dev.spectra.orchestrator.structured;

import java.util.Objects;

/**
 * One way a value fails its schema, phrased so a model can act on it.
 *
 * @param pointer JSON pointer (RFC 6901) of the offending value; empty for the root
 * @param message what is wrong there, e.g. {@code string found, integer expected}
 */
public record Violation(String pointer, String message) {
  public Violation {
    Objects.requireNonNull(pointer, "pointer");
    Objects.requireNonNull(message, "message");
  }

  /** {@return {@code /age: string found, integer expected}; the root is written {@code (root)}} */
  @Override public String toString() {
    return (pointer.isEmpty() ? "(root)" : pointer) + ": " + message;
  }
}
